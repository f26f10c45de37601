package io.unimllm.experts.convert;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import io.unimllm.router.spi.ExpertException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Loads a converted TorchScript expert file through DJL's {@link Criteria} with the expert's translator. */
public final class TorchScriptModels {
    private TorchScriptModels() {
    }

    /**
     * Loads {@code file} on DJL's PyTorch engine.
     *
     * @param <I> the translator's input type
     * @param <O> the translator's output type
     * @param what the model's name for error messages, e.g. {@code "CenterNet"}
     * @param file the TorchScript file
     * @param input the input class
     * @param output the output class
     * @param translator turns inputs into tensors and the model's output back
     * @return the loaded model; the caller closes it, which frees its native memory
     * @throws ExpertException naming the model and file when the file is missing or not loadable TorchScript
     */
    public static <I, O> ZooModel<I, O> load(String what, Path file, Class<I> input, Class<O> output,
            Translator<I, O> translator) throws ExpertException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new ExpertException(what + " TorchScript file not found: " + file);
        }
        Criteria<I, O> criteria = Criteria.builder()
                .setTypes(input, output)
                .optModelPath(file)
                .optEngine("PyTorch")
                .optTranslator(translator)
                .build();
        try {
            return criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ExpertException("cannot load " + what + " TorchScript from " + file + ": " + e.getMessage(), e);
        }
    }
}
