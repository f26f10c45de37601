package io.unimllm.protocol;

/**
 * The root of every typed error unimllm reports about its inputs, in every module: configuration and checkpoint files
 * ({@link ConfigException}, {@code CheckpointException}), images ({@code ImageException}), prompts and context length
 * ({@code PromptException}, {@code ContextLengthException}), tokenizers ({@code TokenizerException}), model output
 * parsed strictly ({@link ProtocolException}), unserved tasks ({@code NoExpertException}) and datasets
 * ({@code DatasetException}). The message says what was wrong and where (file, field, line, token).
 *
 * <p>It is an {@link IllegalArgumentException}: bad input is a bad argument to the call that received it, and code
 * that already guards calls against bad arguments catches these too. Failures that are not about the caller's input
 * (an expert crashing, a native library missing) are reported otherwise: as a task's status, or as the exception of
 * the library that failed.
 */
public class UnimllmException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An error without an underlying cause.
     *
     * @param message what was wrong and where
     */
    public UnimllmException(String message) {
        super(message);
    }

    /**
     * An error caused by another one.
     *
     * @param message what was wrong and where
     * @param cause the underlying error
     */
    public UnimllmException(String message, Throwable cause) {
        super(message, cause);
    }
}
