package io.unimllm.remote;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import io.unimllm.RequestRejectedException;
import io.unimllm.Response;
import io.unimllm.StageTimings;
import io.unimllm.core.ImageException;
import io.unimllm.core.generate.FinishReason;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.ConfigException;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.TaskVocabulary;
import io.unimllm.protocol.codec.GroundingCodec;
import io.unimllm.protocol.parse.OutputParser;
import io.unimllm.protocol.parse.ParsedOutput;
import io.unimllm.protocol.parse.ParserOptions;
import io.unimllm.protocol.profile.ModelProfile;
import io.unimllm.router.RoutingConfig;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.spi.ExpertModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UnifiedMllm}'s counterpart for a model that runs elsewhere: any OpenAI-compatible chat endpoint (vLLM,
 * Ollama, LM Studio, a hosted API, unimllm's own server) answers, and the answer is parsed with the
 * {@link ModelProfile} of the dialect that model speaks and routed to the same Java experts through a
 * {@link TaskRouter}. The caller gets the runtime's {@link Response}.
 *
 * <pre>{@code
 * try (RemoteMllm qwen = RemoteMllm.builder("http://127.0.0.1:8000/v1", "Qwen/Qwen2.5-VL-7B-Instruct",
 *         ModelProfiles.byName("qwen2.5-vl")).build()) {
 *     Response r = qwen.ask(ImageIO.read(file), "Outline the position of each car; output JSON with bbox_2d.");
 *     r.tasks().forEach(t -> System.out.println(t.status() + " " + t.result()));
 * }
 * }</pre>
 *
 * <p><b>One request.</b> The image goes inline as a PNG data URL (the original pixels, so that a frame of the
 * model's resized input, such as Qwen2.5-VL's, is computed from the size the server sees), after it the instruction
 * as text, and before both the system prompt when one is set; greedy decoding by default (temperature 0). The first
 * choice's {@code message.content} is parsed with the profile's codec (its frame and resize rule) and the task
 * vocabulary into pixels of the original image; then the tasks go to the router.
 *
 * <p><b>Which tasks.</b> A model that writes the vocabulary's task tokens (a unimllm-trained model, through unimllm's
 * server) names its tasks: those task calls are routed, and groundings outside them stay free groundings, not
 * routed. Most VLMs write groundings only (Qwen's {@code bbox_2d} JSON, InternVL's {@code <ref>/<box>}): when the
 * answer holds no task call, all its groundings become <em>one</em> task of the {@link Builder#defaultTaskType
 * default task type} ({@code "detect"} unless set; none disables it), in answer order, each keeping its label, with
 * the distinct labels joined by {@code ", "} as the task's arguments, no hidden state and token index -1. That task
 * is in {@link Response#tasks()}; {@link Response#parsed()} stays what the model wrote.
 *
 * <p><b>The response.</b> Text, task results and parse warnings as from the local runtime; {@code rawAnswer} is the
 * content; token ids are empty (the endpoint sends text); the finish reason maps OpenAI's: {@code stop} to
 * {@code STOP_TOKEN}, {@code length} to {@code MAX_TOKENS}, {@code content_filter}, {@code cancelled} and
 * {@code abort} to {@code CANCELLED}, {@code error} (unimllm's server: non-finite logits) to {@code NON_FINITE},
 * anything else or none to {@code STOP_TOKEN}. Timings: {@code preprocess} (the PNG), {@code remote} (the call,
 * retries included), {@code parse}, {@code route}, {@code expert:<name>}.
 *
 * <p><b>Failures.</b> Each attempt has a connect timeout and a timeout for the answer. Connection failures, 5xx and
 * 429 are retried a bounded number of times with exponential backoff; a timeout, another 4xx or a malformed answer
 * is not. Every failure is a {@link RemoteModelException} saying which ({@link RemoteModelException.Kind}), with the
 * endpoint, the HTTP status and the number of attempts. Bad input (an unreadable image, strict parsing of a broken
 * answer) is the usual {@link io.unimllm.protocol.UnimllmException}.
 *
 * <p><b>The client.</b> LangChain4j's OpenAI module ({@code dev.langchain4j:langchain4j-open-ai}) rather than the
 * official OpenAI Java SDK: it is actively maintained, Apache-2.0, already part of this build (the server module's
 * tests use the same version), is written for the many OpenAI-compatible servers and not only OpenAI's, runs on the
 * JDK's own HTTP client, writes a user message's images as data URLs, and has the two seams this class needs: a
 * pluggable HTTP client (where the retry policy, the typed errors and the shape check of the answer live, with
 * LangChain4j's own retries off) and the raw HTTP body of the answer. The official SDK, written in Kotlin over
 * OkHttp, would bring a second HTTP stack and the Kotlin runtime for the same one call.
 *
 * <p><b>Ownership</b> (docs/architecture.md): what the caller passes to the builder (a router, experts) stays the
 * caller's; the router the builder builds, with the experts it discovers, is closed by {@link #close()}. Thread-safe:
 * several threads may ask at once.
 */
public final class RemoteMllm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteMllm.class);

    private final OpenAiChatModel client;
    private final String endpoint;
    private final ModelProfile profile;
    private final GroundingCodec codec;
    private final TaskVocabulary tasks;
    private final String defaultTaskType;
    private final String systemPrompt;
    private final boolean strict;
    private final TaskRouter router;
    private final boolean ownsRouter;
    private final List<String> buildWarnings;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private RemoteMllm(Builder b, OpenAiChatModel client, TaskRouter router, boolean ownsRouter) {
        this.client = client;
        this.endpoint = b.baseUrl + "/chat/completions";
        this.profile = b.profile;
        this.codec = b.profile.codec();
        this.tasks = b.tasks;
        this.defaultTaskType = b.defaultTaskType;
        this.systemPrompt = b.systemPrompt;
        this.strict = b.strict;
        this.router = router;
        this.ownsRouter = ownsRouter;
        Set<String> types = new HashSet<>(tasks.asMap().values());
        if (defaultTaskType != null) {
            types.add(defaultTaskType);
        }
        this.buildWarnings = List.copyOf(router.unreachableExperts(types));
        buildWarnings.forEach(w -> LOG.warn("{}", w));
    }

    /**
     * A builder for an endpoint.
     *
     * @param baseUrl the API's base URL, the one an OpenAI client takes, e.g. {@code http://127.0.0.1:8000/v1}
     *     (vLLM), {@code http://127.0.0.1:11434/v1} (Ollama); {@code /chat/completions} is appended
     * @param model the model's name at the endpoint (the request's {@code model})
     * @param profile the grounding dialect, frame and resize rule of that model's answers
     *     ({@link io.unimllm.protocol.profile.ModelProfiles#byName}); for a server started with other
     *     {@code min_pixels} / {@code max_pixels}, adapt it with {@link ModelProfile#withImageSize}
     * @return a builder with the defaults
     */
    public static Builder builder(String baseUrl, String model, ModelProfile profile) {
        return new Builder(baseUrl, model, profile);
    }

    /**
     * Asks about an image file (PNG, JPEG, ...).
     *
     * @param image the image file
     * @param instruction what to do or what to answer
     * @return the answer with its task results
     * @throws ImageException when the file cannot be read as an image
     * @throws RemoteModelException when the endpoint fails or answers in an unexpected shape
     */
    public Response ask(Path image, String instruction) {
        return ask(ImagePreprocessor.decode(image), instruction);
    }

    /**
     * Asks about an image: sends it with the instruction, parses the answer, routes its tasks.
     *
     * @param image the image; the groundings of the answer are in its pixels
     * @param instruction what to do or what to answer
     * @return the answer with its task results
     * @throws RemoteModelException when the endpoint fails or answers in an unexpected shape
     * @throws io.unimllm.protocol.ProtocolException in strict mode, when the answer breaks the protocol
     * @throws RequestRejectedException when this remote model is closed
     */
    public Response ask(BufferedImage image, String instruction) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(instruction, "instruction");
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new RequestRejectedException(RequestRejectedException.Reason.CLOSED,
                        "this RemoteMllm is closed");
            }
            return run(image, instruction);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * {@link #ask(BufferedImage, String)} on the given executor.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @param executor where the request runs (the HTTP call blocks its thread)
     * @return the answer, when it is ready; it fails with what {@code ask} throws
     */
    public CompletableFuture<Response> askAsync(BufferedImage image, String instruction, Executor executor) {
        return CompletableFuture.supplyAsync(() -> ask(image, instruction), executor);
    }

    private Response run(BufferedImage image, String instruction) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>();
        if (systemPrompt != null) {
            messages.add(SystemMessage.from(systemPrompt));
        }
        messages.add(UserMessage.from(ImageContent.from(base64Png(image), "image/png", ImageContent.DetailLevel.HIGH),
                TextContent.from(instruction)));
        long t1 = System.nanoTime();
        stages.put("preprocess", Duration.ofNanos(t1 - t0));
        ChatAnswer answer = call(messages);
        long t2 = System.nanoTime();
        stages.put("remote", Duration.ofNanos(t2 - t1));
        ParsedOutput parsed = new OutputParser(codec, tasks, image.getWidth(), image.getHeight(),
                ParserOptions.strict(strict)).parse(answer.content());
        List<TaskCall> calls = tasksOf(parsed);
        long t3 = System.nanoTime();
        stages.put("parse", Duration.ofNanos(t3 - t2));
        List<TaskResult> results = calls.isEmpty() ? List.of() : router.route(image, instruction, calls);
        stages.put("route", Duration.ofNanos(System.nanoTime() - t3));
        for (TaskResult r : results) {
            r.expert().ifPresent(name -> stages.merge("expert:" + name, r.elapsed(), Duration::plus));
        }
        LOG.debug("answer '{}' ({}), timings {}", answer.content(), answer.finishReason(), stages);
        return new Response(parsed.text(), results, parsed, answer.content(), new int[0],
                finishReason(answer.finishReason()), parsed.warnings(), new StageTimings(stages));
    }

    /** The chat call: LangChain4j's request and transport, this module's retries, errors and shape check. */
    private ChatAnswer call(List<ChatMessage> messages) {
        ChatResponse response;
        try {
            response = client.chat(ChatRequest.builder().messages(messages).build());
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof RetryingHttpClient.EndpointFailure f) {
                    throw f.failure();
                }
                if (c instanceof InterruptedException) {
                    throw e;
                }
            }
            throw new RemoteModelException(RemoteModelException.Kind.BAD_RESPONSE, endpoint, -1, 1,
                    "the client could not read the endpoint's answer: " + e, e);
        }
        String body = response.metadata() instanceof OpenAiChatResponseMetadata m && m.rawHttpResponse() != null
                ? m.rawHttpResponse().body() : null;
        try {
            return ChatAnswer.read(body);
        } catch (ChatAnswer.BadShape e) {
            // the HTTP client checked this body already; a client that hands over another is a bug to report
            throw new RemoteModelException(RemoteModelException.Kind.BAD_RESPONSE, endpoint, 200, 1, e.getMessage(),
                    e);
        }
    }

    /** The answer's task calls; without any, its groundings as one task of the default type (see the class). */
    private List<TaskCall> tasksOf(ParsedOutput parsed) {
        if (!parsed.tasks().isEmpty() || defaultTaskType == null || parsed.freeGroundings().isEmpty()) {
            return parsed.tasks();
        }
        Set<String> labels = new LinkedHashSet<>();
        for (Grounding g : parsed.freeGroundings()) {
            g.label().filter(l -> !l.isBlank()).ifPresent(labels::add);
        }
        return List.of(new TaskCall(defaultTaskType, String.join(", ", labels), parsed.freeGroundings(),
                Optional.empty(), -1));
    }

    private static FinishReason finishReason(String openAi) {
        if (openAi == null) {
            return FinishReason.STOP_TOKEN;
        }
        return switch (openAi.toLowerCase(Locale.ROOT)) {
            case "length" -> FinishReason.MAX_TOKENS;
            case "content_filter", "cancelled", "abort" -> FinishReason.CANCELLED;
            case "error" -> FinishReason.NON_FINITE;
            default -> FinishReason.STOP_TOKEN;
        };
    }

    private static String base64Png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new ImageException("the image (type " + image.getType() + ") cannot be written as PNG");
            }
        } catch (IOException e) {
            throw new ImageException("the image cannot be written as PNG: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /**
     * The profile the answers are parsed with.
     *
     * @return the model profile
     */
    public ModelProfile profile() {
        return profile;
    }

    /**
     * The task tokens the answers are parsed with.
     *
     * @return the task vocabulary
     */
    public TaskVocabulary tasks() {
        return tasks;
    }

    /**
     * The router in use.
     *
     * @return the router (the caller's when one was passed to the builder)
     */
    public TaskRouter router() {
        return router;
    }

    /**
     * The chat completions URL.
     *
     * @return the base URL with {@code /chat/completions}
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * What the build found worth a warning (also logged): experts that no task can reach (their types are neither in
     * the vocabulary nor the default task type, or a route sends those types elsewhere).
     *
     * @return one line per finding; empty when there is none
     */
    public List<String> buildWarnings() {
        return buildWarnings;
    }

    /**
     * Stops admission (later calls throw {@link RequestRejectedException} with reason CLOSED), waits for the requests
     * in progress, then closes the router the builder built (and the experts it discovered); a router or experts the
     * caller passed in stay open. Safe to call more than once.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
        if (ownsRouter) {
            router.close();
        }
    }

    /** Builder of a {@link RemoteMllm}; not thread-safe. */
    public static final class Builder {
        private final String baseUrl;
        private final String model;
        private final ModelProfile profile;
        private String apiKey;
        private TaskVocabulary tasks = TaskVocabulary.defaults();
        private String defaultTaskType = "detect";
        private String systemPrompt;
        private Double temperature = 0.0;
        private Integer maxTokens;
        private Integer seed;
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxRetries = 2;
        private Duration retryBackoff = Duration.ofMillis(250);
        private boolean strict;
        private boolean logRequests;
        private TaskRouter router;
        private final List<ExpertModel> experts = new ArrayList<>();
        private final Map<String, List<String>> routes = new LinkedHashMap<>();
        private RoutingConfig routing;
        private Boolean discover;
        private Map<String, String> expertOptions;
        private Duration expertTimeout;

        private Builder(String baseUrl, String model, ModelProfile profile) {
            this.baseUrl = checkUrl(baseUrl);
            if (model == null || model.isBlank()) {
                throw new ConfigException("the model name is missing: give the name the endpoint serves the model "
                        + "under (the request's \"model\")", null);
            }
            this.model = model;
            this.profile = Objects.requireNonNull(profile, "profile");
        }

        private static String checkUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new ConfigException("the endpoint's base URL is missing, e.g. http://127.0.0.1:8000/v1", null);
            }
            String u = url.strip();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            try {
                URI uri = new URI(u);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new ConfigException("the endpoint's base URL '" + url + "' is not an http(s) URL with a "
                            + "host, e.g. http://127.0.0.1:8000/v1", null);
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("the endpoint's base URL '" + url + "' is not a URL: " + e.getMessage(),
                        null, e);
            }
            if (u.endsWith("/chat/completions")) {
                throw new ConfigException("give the base URL ('" + u.substring(0, u.length()
                        - "/chat/completions".length()) + "'), not the chat completions URL '" + url + "'", null);
            }
            return u;
        }

        /**
         * The API key, sent as {@code Authorization: Bearer}.
         *
         * @param key the key (default none: local servers need none)
         * @return this builder
         */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /**
         * The task tokens of the model's answers, for a model that writes them (a unimllm-trained one: its
         * {@code unimllm.json} {@code "tasks"}).
         *
         * @param vocabulary the task vocabulary (default {@link TaskVocabulary#defaults()})
         * @return this builder
         */
        public Builder tasks(TaskVocabulary vocabulary) {
            this.tasks = Objects.requireNonNull(vocabulary, "vocabulary");
            return this;
        }

        /**
         * The task type the groundings of an answer without task calls are routed as (see the class comment).
         *
         * @param taskType the task type (default {@code "detect"}), or null to route such groundings nowhere
         * @return this builder
         */
        public Builder defaultTaskType(String taskType) {
            this.defaultTaskType = taskType == null || taskType.isBlank() ? null : taskType;
            return this;
        }

        /**
         * A system message sent before the question (how to answer, which format to ground in).
         *
         * @param prompt the system prompt (default none)
         * @return this builder
         */
        public Builder systemPrompt(String prompt) {
            this.systemPrompt = prompt;
            return this;
        }

        /**
         * The sampling temperature.
         *
         * @param t the temperature (default 0: greedy, as grounding wants), or null to leave it to the endpoint
         * @return this builder
         */
        public Builder temperature(Double t) {
            this.temperature = t;
            return this;
        }

        /**
         * The most tokens the answer may have ({@code max_tokens}).
         *
         * @param n the limit (default none: the endpoint's)
         * @return this builder
         * @throws IllegalArgumentException when {@code n < 1}
         */
        public Builder maxTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1, got " + n);
            }
            this.maxTokens = n;
            return this;
        }

        /**
         * The sampling seed ({@code seed}).
         *
         * @param s the seed (default none)
         * @return this builder
         */
        public Builder seed(int s) {
            this.seed = s;
            return this;
        }

        /**
         * How long one attempt waits for the answer once connected.
         *
         * @param t a positive duration (default 60 s)
         * @return this builder
         * @throws IllegalArgumentException when {@code t} is not positive
         */
        public Builder timeout(Duration t) {
            this.timeout = positive(t, "timeout");
            return this;
        }

        /**
         * How long one attempt waits for the connection.
         *
         * @param t a positive duration (default 10 s)
         * @return this builder
         * @throws IllegalArgumentException when {@code t} is not positive
         */
        public Builder connectTimeout(Duration t) {
            this.connectTimeout = positive(t, "connectTimeout");
            return this;
        }

        /**
         * How often a connection failure, 5xx or 429 is retried, and the first wait (doubled for each retry).
         *
         * @param retries the retries after the first attempt (default 2)
         * @param backoff the wait before the first retry (default 250 ms)
         * @return this builder
         * @throws IllegalArgumentException when {@code retries} is negative or above 10, or {@code backoff} is
         *     negative
         */
        public Builder retries(int retries, Duration backoff) {
            if (retries < 0 || retries > 10) {
                throw new IllegalArgumentException("retries must be in 0..10, got " + retries);
            }
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("the retry backoff must not be negative, got " + backoff);
            }
            this.maxRetries = retries;
            this.retryBackoff = backoff;
            return this;
        }

        /**
         * Strict parsing: an answer that breaks the protocol raises a {@code ProtocolException} instead of a warning.
         *
         * @param strict true for strict parsing (default false)
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Logs each request and answer through LangChain4j's logger (images included: large).
         *
         * @param log true to log (default false)
         * @return this builder
         */
        public Builder logRequests(boolean log) {
            this.logRequests = log;
            return this;
        }

        /**
         * Uses this router as it is; it stays the caller's (not closed by {@link RemoteMllm#close()}). Experts,
         * routes, routing, discovery, expert options and the expert timeout configure the router the builder builds,
         * so combining any of them with a router is an error at {@link #build()}.
         *
         * @param taskRouter the caller's router
         * @return this builder
         */
        public Builder router(TaskRouter taskRouter) {
            this.router = taskRouter;
            return this;
        }

        /**
         * Adds an expert to the router the builder builds; it stays the caller's.
         *
         * @param expert the expert
         * @return this builder
         */
        public Builder expert(ExpertModel expert) {
            experts.add(Objects.requireNonNull(expert, "expert"));
            return this;
        }

        /**
         * The routes and fallback of the router the builder builds (a model's {@code unimllm.json}
         * {@code "routes"} and {@code "fallback"}: {@link RoutingConfig#fromJson}).
         *
         * @param config the routing (default {@link RoutingConfig#none()}: capability and priority decide)
         * @return this builder
         */
        public Builder routing(RoutingConfig config) {
            this.routing = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Routes a task type to these experts, most preferred first, over {@link #routing(RoutingConfig)}'s route for
         * that type.
         *
         * @param taskType the task type
         * @param expertNames the experts' names
         * @return this builder
         */
        public Builder route(String taskType, String... expertNames) {
            routes.put(Objects.requireNonNull(taskType, "taskType"), List.of(expertNames));
            return this;
        }

        /**
         * Whether the router the builder builds adds the experts found through ServiceLoader.
         *
         * @param discoverExperts true to discover (the default when no router is given)
         * @return this builder
         */
        public Builder discoverExperts(boolean discoverExperts) {
            this.discover = discoverExperts;
            return this;
        }

        /**
         * Options handed to the discovered experts' providers (a model's {@code unimllm.json} {@code "experts"}).
         *
         * @param options the options (default none)
         * @return this builder
         */
        public Builder expertOptions(Map<String, String> options) {
            this.expertOptions = Map.copyOf(options);
            return this;
        }

        /**
         * The experts' timeout, per answer, of the router the builder builds.
         *
         * @param t a positive duration (default 60 s)
         * @return this builder
         * @throws IllegalArgumentException when {@code t} is not positive
         */
        public Builder expertTimeout(Duration t) {
            this.expertTimeout = positive(t, "expertTimeout");
            return this;
        }

        private static Duration positive(Duration t, String name) {
            if (t == null || t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + t);
            }
            return t;
        }

        /**
         * Builds the client and, unless one was given, the router.
         *
         * @return the remote model, which the caller closes
         * @throws IllegalStateException when a router is given together with what configures the router the builder
         *     would build
         */
        public RemoteMllm build() {
            checkConsistent();
            OpenAiChatModel.OpenAiChatModelBuilder c = OpenAiChatModel.builder().baseUrl(baseUrl).modelName(model)
                    .temperature(temperature).maxTokens(maxTokens).seed(seed).timeout(timeout).maxRetries(0)
                    .httpClientBuilder(new RetryingHttpClient.Builder(connectTimeout, timeout, maxRetries,
                            retryBackoff))
                    .logRequests(logRequests).logResponses(logRequests);
            if (apiKey != null) {
                c.apiKey(apiKey);
            }
            OpenAiChatModel client = c.build();
            if (router != null) {
                return new RemoteMllm(this, client, router, false);
            }
            RoutingConfig r = routing == null ? RoutingConfig.none() : routing;
            for (Map.Entry<String, List<String>> e : routes.entrySet()) {
                r = r.withRoute(e.getKey(), e.getValue());
            }
            TaskRouter.Builder rb = TaskRouter.builder().routing(r)
                    .timeout(expertTimeout != null ? expertTimeout : Duration.ofSeconds(60));
            experts.forEach(rb::expert);
            if (discover == null || discover) {
                rb.discover(expertOptions == null ? Map.of() : expertOptions);
            }
            TaskRouter built = rb.build();
            try {
                return new RemoteMllm(this, client, built, true);
            } catch (RuntimeException | Error e) {
                built.close();
                throw e;
            }
        }

        private void checkConsistent() {
            if (router == null) {
                return;
            }
            List<String> clash = new ArrayList<>();
            if (!experts.isEmpty()) {
                clash.add(experts.size() + " expert(s)");
            }
            if (!routes.isEmpty()) {
                clash.add("routes for " + routes.keySet());
            }
            if (routing != null) {
                clash.add("routing(...)");
            }
            if (Boolean.TRUE.equals(discover)) {
                clash.add("discoverExperts(true)");
            }
            if (expertOptions != null) {
                clash.add("expertOptions(...)");
            }
            if (expertTimeout != null) {
                clash.add("expertTimeout(" + expertTimeout + ")");
            }
            if (!clash.isEmpty()) {
                throw new IllegalStateException("the builder was given a router and also " + String.join(", ", clash)
                        + ", which configure the router the builder would build; register experts and routes on "
                        + "your router instead, or leave out router(...)");
            }
        }
    }
}
