package io.unimllm.router.spi;

/**
 * A specialised model that does one or more kinds of visual work (segment, detect, edit, ...) for the router.
 *
 * <p>Implementations may own native memory and are closed by whoever registered them. {@link #run} may be
 * called concurrently from several router threads; an implementation that cannot run concurrently must
 * synchronise itself. Register one in code with the router's builder, or list it in
 * {@code META-INF/services/io.unimllm.router.spi.ExpertProvider} through an {@link ExpertProvider}.
 */
public interface ExpertModel extends AutoCloseable {

    /** What this expert does and which inputs it accepts. */
    ExpertDescriptor describe();

    /**
     * Does the work for one task.
     *
     * @throws ExpertException when the request cannot be served (a missing input, an image it cannot use);
     *     the router turns any exception into a failed task result
     */
    ExpertResult run(ExpertRequest request) throws Exception;

    @Override
    default void close() throws Exception {}
}
