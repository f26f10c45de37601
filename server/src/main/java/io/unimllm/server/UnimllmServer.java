package io.unimllm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.unimllm.UnifiedMllm;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible HTTP server over a {@link UnifiedMllm}, on Javalin (Jetty).
 *
 * <pre>{@code
 * try (UnifiedMllm mllm = UnifiedMllm.load(dir);
 *      UnimllmServer server = UnimllmServer.start(mllm,
 *              ServerConfig.builder().port(8080).modelId("shapes-tiny").build())) {
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (plain, or server-sent events with {@code "stream": true}),
 * {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code GET /health}. Concurrent requests are batched by the
 * runtime's scheduler; its queue limit answers 429. A client that disconnects from a stream cancels its request.
 * The runtime stays the caller's: {@link #close()} stops the server (cancelling the requests it is still handling)
 * and does not close the runtime.
 */
public final class UnimllmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnimllmServer.class);

    private final Javalin app;
    private final ServerConfig config;
    private final Counters counters;
    private final Object stopped = new Object();
    private boolean closed;

    private UnimllmServer(Javalin app, ServerConfig config, Counters counters) {
        this.app = app;
        this.config = config;
        this.counters = counters;
    }

    /**
     * Starts a server.
     *
     * @param mllm the runtime that answers; it stays the caller's to close, after the server
     * @param config where to listen and the limits
     * @return the running server
     * @throws IllegalStateException when the server cannot start, e.g. the port is taken
     */
    public static UnimllmServer start(UnifiedMllm mllm, ServerConfig config) {
        Objects.requireNonNull(mllm, "mllm");
        Objects.requireNonNull(config, "config");
        Counters counters = new Counters();
        ChatEndpoint chat = new ChatEndpoint(mllm, config, counters);
        long created = System.currentTimeMillis() / 1000;
        // a connection may stay quiet while its request is queued and generated: longer than any request may take
        long idleMillis = config.requestTimeout().toMillis() + 30_000;
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.compressionStrategy = CompressionStrategy.NONE; // streams must reach the client as written
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setIdleTimeout(idleMillis);
                return connector;
            });
            c.routes.post("/v1/chat/completions", chat);
            c.routes.get("/v1/models", ctx -> json(ctx, 200, models(config, created)));
            c.routes.get("/v1/models/{id}", ctx -> {
                if (!ctx.pathParam("id").equals(config.modelId())) {
                    throw new ApiException(404, ApiException.INVALID_REQUEST, "model", "model_not_found",
                            "the model '" + ctx.pathParam("id") + "' does not exist; this server serves '"
                                    + config.modelId() + "'");
                }
                json(ctx, 200, ChatJson.model(config.modelId(), created));
            });
            c.routes.get("/health", ctx -> json(ctx, 200, health(config, counters.snapshot())));
            c.routes.exception(ApiException.class, (e, ctx) -> ChatEndpoint.writeError(ctx, e));
            c.routes.exception(HttpResponseException.class, (e, ctx) -> ChatEndpoint.writeError(ctx,
                    new ApiException(e.getStatus() >= 400 ? e.getStatus() : 500, ApiException.INVALID_REQUEST, null,
                            e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(),
                            e.getStatus() == 404 ? "no endpoint " + ctx.method() + " " + ctx.path()
                                    + "; this server has POST /v1/chat/completions, GET /v1/models, GET /health"
                                    : e.getMessage())));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
                ChatEndpoint.writeError(ctx, Errors.of(e));
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the server on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        UnimllmServer server = new UnimllmServer(app, config, counters);
        LOG.info("serving '{}' on {}", config.modelId(), server.baseUri());
        return server;
    }

    private static ObjectNode models(ServerConfig config, long created) {
        ObjectNode list = ChatJson.JSON.createObjectNode();
        list.put("object", "list");
        list.putArray("data").add(ChatJson.model(config.modelId(), created));
        return list;
    }

    private static ObjectNode health(ServerConfig config, ServerStats s) {
        ObjectNode h = ChatJson.JSON.createObjectNode();
        h.put("status", "ok");
        h.put("model", config.modelId());
        ObjectNode r = h.putObject("requests");
        r.put("received", s.received());
        r.put("in_flight", s.inFlight());
        r.put("completed", s.completed());
        r.put("invalid", s.invalid());
        r.put("rejected", s.rejected());
        r.put("timed_out", s.timedOut());
        r.put("disconnected", s.disconnected());
        r.put("failed", s.failed());
        return h;
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(ChatJson.write(body));
    }

    /**
     * The port the server listens on (the one the system chose when the configuration asked for port 0).
     *
     * @return the local port
     */
    public int port() {
        return app.port();
    }

    /**
     * The server's base address, e.g. {@code http://127.0.0.1:8080}; OpenAI clients take it with {@code /v1}.
     *
     * @return the base URI
     */
    public URI baseUri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port());
    }

    /**
     * The configuration the server runs with.
     *
     * @return the configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * What the chat endpoint has done so far.
     *
     * @return a snapshot of the counters
     */
    public ServerStats stats() {
        return counters.snapshot();
    }

    /**
     * Blocks until {@link #close()} is called (from another thread or a shutdown hook).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitStop() throws InterruptedException {
        synchronized (stopped) {
            while (!closed) {
                stopped.wait();
            }
        }
    }

    /**
     * Stops the server: no new connections, and the requests it is still handling are cancelled. Does not close
     * the runtime. Idempotent.
     */
    @Override
    public void close() {
        synchronized (stopped) {
            if (closed) {
                return;
            }
            closed = true;
            stopped.notifyAll();
        }
        app.stop();
    }
}
