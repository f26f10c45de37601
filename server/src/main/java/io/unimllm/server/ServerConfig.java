package io.unimllm.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the server listens and the limits it applies to each request. Build with {@link #builder()}; every limit
 * that a request passes is answered with an OpenAI-style error object and the status named at its setter.
 */
public final class ServerConfig {
    private final String host;
    private final int port;
    private final String modelId;
    private final long maxBodyBytes;
    private final long maxImagePixels;
    private final int maxCompletionTokens;
    private final Duration requestTimeout;
    private final Duration heartbeat;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.modelId = b.modelId;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxImagePixels = b.maxImagePixels;
        this.maxCompletionTokens = b.maxCompletionTokens;
        this.requestTimeout = b.requestTimeout;
        this.heartbeat = b.heartbeat;
    }

    /**
     * A builder with the defaults: loopback, port 8080, model id {@code unimllm}, 16 MiB bodies, 16 megapixel images,
     * 1024 completion tokens, a 5 minute request timeout and a heartbeat every 10 s on quiet streams.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults of {@link #builder()}.
     *
     * @return the default configuration
     */
    public static ServerConfig defaults() {
        return builder().build();
    }

    /**
     * The address the server binds.
     *
     * @return a host name or IP address
     */
    public String host() {
        return host;
    }

    /**
     * The port the server binds.
     *
     * @return the port; 0 asks for a free one ({@link UnimllmServer#port()} tells which)
     */
    public int port() {
        return port;
    }

    /**
     * The name of the served model in {@code GET /v1/models} and in answers.
     *
     * @return the model id
     */
    public String modelId() {
        return modelId;
    }

    /**
     * The largest request body accepted.
     *
     * @return the limit in bytes
     */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * The largest image accepted.
     *
     * @return the limit in pixels (width times height)
     */
    public long maxImagePixels() {
        return maxImagePixels;
    }

    /**
     * The most tokens a request may ask for with {@code max_tokens} or {@code max_completion_tokens}.
     *
     * @return the limit
     */
    public int maxCompletionTokens() {
        return maxCompletionTokens;
    }

    /**
     * How long a request may take from its arrival to its last token, queueing included.
     *
     * @return the timeout
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How long a stream may stay quiet before the server writes an SSE comment, which also tells it whether the
     * client is still there.
     *
     * @return the interval
     */
    public Duration heartbeat() {
        return heartbeat;
    }

    @Override
    public String toString() {
        return "ServerConfig[" + host + ":" + port + ", model " + modelId + ", body <= " + maxBodyBytes
                + " B, image <= " + maxImagePixels + " px, max_tokens <= " + maxCompletionTokens + ", timeout "
                + requestTimeout + "]";
    }

    /** Builder of {@link ServerConfig}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private String modelId = "unimllm";
        private long maxBodyBytes = 16L << 20;
        private long maxImagePixels = 4096L * 4096;
        private int maxCompletionTokens = 1024;
        private Duration requestTimeout = Duration.ofMinutes(5);
        private Duration heartbeat = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * The address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface).
         *
         * @param host a host name or IP address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The port to bind (default 8080; 0 for a free one).
         *
         * @param port the port, 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException when the port is out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The served model's name (default {@code unimllm}); a request naming another model gets a 404.
         *
         * @param modelId the model id, not blank
         * @return this builder
         * @throws IllegalArgumentException when the id is blank
         */
        public Builder modelId(String modelId) {
            if (modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException("modelId must not be blank");
            }
            this.modelId = modelId;
            return this;
        }

        /**
         * The largest request body (default 16 MiB); a larger one gets a 413.
         *
         * @param bytes the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException when the limit is below 1
         */
        public Builder maxBodyBytes(long bytes) {
            this.maxBodyBytes = positive(bytes, "maxBodyBytes");
            return this;
        }

        /**
         * The largest image, width times height (default 4096 x 4096); a larger one gets a 413, checked from the
         * image's header before it is decoded.
         *
         * @param pixels the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException when the limit is below 1
         */
        public Builder maxImagePixels(long pixels) {
            this.maxImagePixels = positive(pixels, "maxImagePixels");
            return this;
        }

        /**
         * The most completion tokens a request may ask for (default 1024); asking for more gets a 400. A request
         * that names no limit gets the runtime's.
         *
         * @param tokens the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException when the limit is below 1
         */
        public Builder maxCompletionTokens(int tokens) {
            this.maxCompletionTokens = (int) positive(tokens, "maxCompletionTokens");
            return this;
        }

        /**
         * How long a request may take, queueing included (default 5 minutes). A request past it is cancelled and
         * answered with a 504 (a stream already under way ends with an error event).
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException when the timeout is not positive
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * How long a stream may stay quiet before the server writes an SSE comment (default 10 s).
         *
         * @param interval the interval, positive
         * @return this builder
         * @throws IllegalArgumentException when the interval is not positive
         */
        public Builder heartbeat(Duration interval) {
            this.heartbeat = positive(interval, "heartbeat");
            return this;
        }

        /**
         * Builds the immutable configuration.
         *
         * @return the configuration
         */
        public ServerConfig build() {
            return new ServerConfig(this);
        }

        private static long positive(long v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
