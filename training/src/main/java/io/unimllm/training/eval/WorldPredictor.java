package io.unimllm.training.eval;

import java.awt.image.BufferedImage;

/** The system under evaluation: the model (plus experts) answering one instruction about one image. */
@FunctionalInterface
public interface WorldPredictor {
    /** The prediction for {@code instruction} (no {@code <image>} placeholder) about {@code image}. */
    Prediction predict(BufferedImage image, String instruction);
}
