package io.unimllm.examples;

import io.unimllm.UnifiedMllm;
import io.unimllm.server.ServerConfig;
import io.unimllm.server.UnimllmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Serves a model over HTTP with an OpenAI-compatible chat completions API until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: POST /v1/chat/completions (OpenAI schema, streaming), GET /v1/models, "
                + "GET /health. Stop with Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--model", defaultValue = "models/shapes-tiny",
            description = "checkpoint directory (default ${DEFAULT-VALUE})")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 for a free one)")
    int port;

    @Option(names = "--model-id",
            description = "the model's name in the API (default: the checkpoint directory's name)")
    String modelId;

    @Option(names = "--max-batch", defaultValue = "8",
            description = "requests decoded together (default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-queued", defaultValue = "64",
            description = "requests waiting beyond the batch before a 429 (default ${DEFAULT-VALUE})")
    int maxQueued;

    @Option(names = "--max-tokens", defaultValue = "1024",
            description = "the most completion tokens a request may ask for (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--max-body-mb", defaultValue = "16",
            description = "largest request body in MiB (default ${DEFAULT-VALUE})")
    int maxBodyMb;

    @Option(names = "--max-image-pixels", defaultValue = "16777216",
            description = "largest image, width x height (default ${DEFAULT-VALUE})")
    long maxImagePixels;

    @Option(names = "--timeout", defaultValue = "300",
            description = "request timeout in seconds, queueing included (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        String id = modelId != null ? modelId : model.toAbsolutePath().normalize().getFileName().toString();
        ServerConfig config = ServerConfig.builder().host(host).port(port).modelId(id).maxCompletionTokens(maxTokens)
                .maxBodyBytes((long) maxBodyMb << 20).maxImagePixels(maxImagePixels)
                .requestTimeout(Duration.ofSeconds(timeoutSeconds)).build();
        CountDownLatch released = new CountDownLatch(1);
        try (UnifiedMllm mllm = UnifiedMllm.builder(model).loadOptions(Progress.loading(main.progress()).build())
                .maxBatchSize(maxBatch).maxQueued(maxQueued).build()) {
            UnimllmServer server = UnimllmServer.start(mllm, config);
            // Ctrl-C: stop the server, then wait (bounded) until the runtime below is closed, so the JVM does not halt
            // while native memory is being freed
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "unimllm-serve-shutdown"));
            System.err.printf("serving '%s' on %s (OpenAI base URL %s/v1); Ctrl-C stops%n", id, server.baseUri(),
                    server.baseUri());
            server.awaitStop();
        } finally {
            released.countDown();
        }
        return 0;
    }
}
