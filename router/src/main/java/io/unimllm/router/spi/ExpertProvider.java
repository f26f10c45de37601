package io.unimllm.router.spi;

import java.util.List;
import java.util.Map;

/**
 * Creates experts for the router's discovery: {@link io.unimllm.router.TaskRouter.Builder#discover} loads every
 * provider on the class path with {@link java.util.ServiceLoader} (through the calling thread's context class loader)
 * and adds the experts it creates. To be found, an implementation needs a public no-argument constructor and its
 * class name listed in {@code META-INF/services/io.unimllm.router.spi.ExpertProvider}. A listed provider that cannot
 * be loaded or instantiated makes {@code discover} throw {@link java.util.ServiceConfigurationError}.
 *
 * <p>Each {@code discover} call makes new provider instances and calls {@link #create} once on each, on the thread
 * that called {@code discover}.
 */
public interface ExpertProvider {

    /**
     * Creates the experts this provider offers.
     *
     * @param options the options given to {@code discover} (the runtime passes the {@code "experts"} object of the
     *     model's {@code unimllm.json}, values as strings). Every provider gets the same map, so read keys named
     *     after your expert ({@code "centernet.path"}), ignore keys you do not know, and do not modify it (it may be
     *     unmodifiable)
     * @return the experts, possibly none (when an option disables them, say), never null and without null elements;
     *     the router owns each of them from here on and closes it (see {@link ExpertModel#close()})
     * @throws Exception when the experts cannot be created (a missing model file, a bad option): the router logs it
     *     as a warning, skips this provider and goes on with the others. It receives none of this call's experts, so
     *     close any you created before throwing
     */
    List<ExpertModel> create(Map<String, String> options) throws Exception;
}
