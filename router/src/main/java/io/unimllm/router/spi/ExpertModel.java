package io.unimllm.router.spi;

/**
 * A specialised model that does one or more kinds of visual work (segment, detect, edit, ...) for the
 * {@link io.unimllm.router.TaskRouter}, which hands it the tasks of a model's answer that its {@link #describe()
 * descriptor} says it serves. Register one in code with {@link io.unimllm.router.TaskRouter.Builder#expert}, or
 * have an {@link ExpertProvider} create it when the router discovers providers.
 *
 * <p>Threading: the router calls {@link #run} on its executor's threads. The tasks of one answer run at the same
 * time, several of them may go to the same expert, and one router may route several answers at once, so {@code run}
 * must be safe to call from several threads concurrently; an implementation that cannot run concurrently must
 * synchronise itself. {@link #describe()} is called on the threads that build the router and route answers,
 * several times per task, also concurrently.
 *
 * <p>Failures: whatever {@code run} throws (an {@link ExpertException} for a request it cannot serve, any other
 * exception, even an error) ends that task with status {@link io.unimllm.router.TaskStatus#FAILED} and the throwable
 * as the task's error; the answer's other tasks go on, and the router's caller gets the results, not the exception.
 * A run that outlasts the router's timeout ({@link io.unimllm.router.TaskRouter.Builder#timeout}) ends
 * {@link io.unimllm.router.TaskStatus#TIMED_OUT}: the router interrupts its thread, does not wait for it to stop, and
 * discards whatever it returns later. A long run should therefore stop when its thread is interrupted.
 *
 * <p>Ownership: whoever registered an expert closes it. An expert the caller registered with
 * {@link io.unimllm.router.TaskRouter.Builder#expert} stays the caller's: the router never closes it, not even when
 * its build fails. An expert that an {@link ExpertProvider} created during
 * {@link io.unimllm.router.TaskRouter.Builder#discover} belongs to the router, which closes it in
 * {@link io.unimllm.router.TaskRouter#close()}, or in {@link io.unimllm.router.TaskRouter.Builder#build()} when the
 * build fails.
 */
public interface ExpertModel extends AutoCloseable {

    /**
     * What this expert does and which inputs it accepts. The router asks for it whenever it chooses an expert, so it
     * should be cheap (a constant or a field), and it must describe the expert the same way every time: the name is
     * checked for uniqueness only when the router is built. It must not throw: an exception from it fails the
     * router's build or the whole routing call.
     *
     * @return the descriptor
     */
    ExpertDescriptor describe();

    /**
     * Does the work for one task, on one of the router's executor threads and possibly concurrently with other calls
     * (see the class comment). The request's image is shared with the answer's other tasks: read it, never modify it
     * (an editing expert returns a new image).
     *
     * @param request the original image, the user's instruction and the task, whose groundings are in the image's
     *     pixels
     * @return what the expert produced, in pixels of the original image; never null
     * @throws ExpertException when the request cannot be served (a missing input, an image it cannot use); its
     *     message reaches the router's caller as the task's error, so say what was missing or wrong
     * @throws Exception when anything else fails; the router treats it as it treats an {@link ExpertException}: the
     *     task ends {@code FAILED} with it as the error
     */
    ExpertResult run(ExpertRequest request) throws Exception;

    /**
     * Releases what the expert holds (native memory, loaded models, files). The router calls it only on the experts
     * it discovered (see the class comment), once per {@link io.unimllm.router.TaskRouter#close()} call, so it should
     * tolerate being called again. The router does not wait for runs still in progress (one that timed out, say)
     * before closing: a run in flight may then fail, but must not crash the JVM (for example by using freed native
     * memory). A runtime exception from {@code close} is logged and ignored, and the router goes on closing the
     * others. The default does nothing.
     */
    @Override
    default void close() {}
}
