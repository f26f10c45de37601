package io.unimllm;

import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.Segment;
import io.unimllm.protocol.TaskCall;
import io.unimllm.protocol.codec.GroundingCodec;
import io.unimllm.protocol.parse.OutputParser;
import io.unimllm.protocol.parse.ParsedOutput;
import io.unimllm.protocol.parse.ParserOptions;
import io.unimllm.router.RoutingConfig;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.tokenizer.StreamingDetokenizer;
import io.unimllm.tokenizer.UnimllmTokenizer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five-line API: load a checkpoint directory, ask about an image, get text, masks, boxes and edited images.
 *
 * <pre>{@code
 * try (UnifiedMllm mllm = UnifiedMllm.load(Path.of("models/shapes-tiny"))) {
 *     Response r = mllm.ask(ImageIO.read(file), "segment the red circle");
 *     r.tasks().forEach(t -> System.out.println(t.status() + " " + t.result()));
 * }
 * }</pre>
 *
 * <p>One request: chat template and tokenizer, image preprocessing, generation (keeping the hidden states of task
 * tokens), parsing with the model's grounding codec, the model's TPO-style task heads where the policy asks for them
 * (the region head's box for tasks that name no region, the mask-prompt head's point for segment tasks), and the
 * {@link TaskRouter}. Generation is serialised (one request at a time on the model); experts run concurrently.
 * {@link #builder(Path)} exposes every part for callers who bring their own tokenizer, codec, experts or router.
 *
 * <p>Ownership (docs/architecture.md): what the caller passes to the builder (a tokenizer, experts, a router) stays
 * the caller's and is not closed by {@link #close()}; what the runtime creates (the model, the tokenizer it loads,
 * the router it builds and the experts that router discovers) it closes. A build that fails part-way closes what it
 * had created.
 */
public final class UnifiedMllm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnifiedMllm.class);

    private final LlavaModel model;
    private final UnimllmTokenizer tokenizer;
    private final boolean ownsTokenizer;
    private final ModelManifest manifest;
    private final GroundingCodec codec;
    private final TaskRouter router;
    private final boolean ownsRouter;
    private final ImagePreprocessor preprocessor;
    private final Generator generator;
    private final MaskPromptPoints maskPromptPoints;
    private final GenerationConfig generation;
    private final boolean strict;
    private final Set<Integer> stopTokens;
    private final List<String> buildWarnings;
    private final Object lock = new Object();

    private UnifiedMllm(Builder b, ModelManifest manifest, LlavaModel model, UnimllmTokenizer tokenizer,
            boolean ownsTokenizer, TaskRouter router, boolean ownsRouter) {
        this.manifest = manifest;
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsTokenizer = ownsTokenizer;
        this.router = router;
        this.ownsRouter = ownsRouter;
        this.codec = b.codec != null ? b.codec : manifest.codec();
        int size = model.hasVision() ? model.config().vision().imageSize() : 0;
        this.preprocessor = model.hasVision() ? new ImagePreprocessor(ImageProcessorConfig.load(b.dir, size)) : null;
        this.generator = new Generator(model);
        Set<Integer> keep = new HashSet<>();
        for (String t : manifest.tasks().tokens()) {
            tokenizer.find(t).ifPresent(keep::add);
        }
        Set<Integer> stops = new HashSet<>(tokenizer.eosIds());
        stops.addAll(model.config().text().eosTokenIds());
        GenerationConfig defaults = GenerationConfig.builder().maxNewTokens(manifest.maxNewTokens())
                .keepHiddenStatesOf(keep).stopTokens(stops).build();
        this.generation = b.generation == null ? defaults : defaults.overlay(b.generation);
        stops.addAll(generation.stopTokens());
        this.stopTokens = Set.copyOf(stops);
        this.strict = b.strict;
        this.maskPromptPoints = b.maskPromptPoints;
        this.buildWarnings = List.copyOf(router.unreachableExperts(new HashSet<>(manifest.tasks().asMap().values())));
        buildWarnings.forEach(w -> LOG.warn("{}", w));
    }

    /** Creates what the builder does not supply, closing what it created when a later part fails. */
    private static UnifiedMllm create(Builder b) {
        b.checkConsistent();
        ModelManifest manifest = ModelManifest.load(b.dir);
        List<AutoCloseable> created = new ArrayList<>();
        try {
            LlavaModel model = LlavaModel.load(b.dir, b.loadOptions);
            created.add(model);
            UnimllmTokenizer tokenizer = b.tokenizer;
            if (tokenizer == null) {
                List<String> special = new ArrayList<>(manifest.tasks().tokens());
                special.add(manifest.imageToken());
                tokenizer = UnimllmTokenizer.load(b.dir, special);
                created.add(tokenizer);
            }
            TaskRouter router = b.router;
            if (router == null) {
                RoutingConfig routing = manifest.routing();
                for (Map.Entry<String, List<String>> r : b.routes.entrySet()) {
                    routing = routing.withRoute(r.getKey(), r.getValue());
                }
                TaskRouter.Builder rb = TaskRouter.builder().routing(routing)
                        .timeout(b.timeout != null ? b.timeout : Duration.ofSeconds(60));
                b.experts.forEach(rb::expert);
                if (b.discover == null || b.discover) {
                    rb.discover(manifest.expertOptions());
                }
                router = rb.build();
                created.add(router);
            }
            return new UnifiedMllm(b, manifest, model, tokenizer, b.tokenizer == null, router, b.router == null);
        } catch (RuntimeException | Error e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    created.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Loads a checkpoint with automatic device, the experts found on the class path and default settings.
     *
     * @param dir the checkpoint directory
     * @return the runtime, which the caller closes
     */
    public static UnifiedMllm load(Path dir) {
        return builder(dir).build();
    }

    /**
     * A builder for a checkpoint directory.
     *
     * @param dir the checkpoint directory
     * @return a builder with the default settings
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * Asks about an image file (PNG, JPEG, ...).
     *
     * @param image the image file
     * @param instruction what to do or what to answer
     * @return the answer with its task results
     */
    public Response ask(Path image, String instruction) {
        return ask(ImagePreprocessor.decode(image), instruction, null);
    }

    /**
     * Asks about an image.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @return the answer with its task results
     */
    public Response ask(BufferedImage image, String instruction) {
        return ask(image, instruction, null);
    }

    /**
     * Asks about an image, streaming the answer's text as it is generated.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @param onText receives text deltas (special tokens included) as tokens arrive; may be null
     * @return the answer with its task results
     */
    public Response ask(BufferedImage image, String instruction, Consumer<String> onText) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        float[] pixels = preprocessor == null ? null : preprocessor.toPixelValues(image);
        String promptText = manifest.template().prompt(instruction, pixels == null ? null : manifest.imageToken());
        int[] ids = tokenizer.encode(promptText, true);
        stages.put("preprocess", Duration.ofNanos(System.nanoTime() - t0));
        StreamingDetokenizer detok = tokenizer.streamingDetokenizer();
        OutputParser parser = new OutputParser(codec, manifest.tasks(), image.getWidth(), image.getHeight(),
                ParserOptions.strict(strict));
        int[] index = {0};
        GenerationResult g;
        synchronized (lock) {
            g = generator.generate(new Prompt(ids, pixels == null ? List.of() : List.of(pixels)), generation,
                    (row, token) -> {
                        if (stopTokens.contains(token)) {
                            return true; // the end-of-answer token is not part of the answer
                        }
                        String delta = detok.push(token);
                        parser.feed(index[0]++, delta);
                        if (onText != null && !delta.isEmpty()) {
                            onText.accept(delta);
                        }
                        return true;
                    });
        }
        String tail = detok.flush();
        parser.feed(index[0], tail);
        if (onText != null && !tail.isEmpty()) {
            onText.accept(tail);
        }
        stages.put("vision_encode", g.timings().visionEncode());
        stages.put("prefill", g.timings().prefill());
        stages.put("decode", g.timings().decode());
        long t1 = System.nanoTime();
        ParsedOutput parsed = parser.hiddenStates(g.hiddenStates()).finish();
        parsed = withHeads(parsed, image);
        stages.put("parse", Duration.ofNanos(System.nanoTime() - t1));
        long t2 = System.nanoTime();
        List<TaskResult> results = parsed.tasks().isEmpty() ? List.of()
                : router.route(image, instruction, parsed.tasks());
        stages.put("route", Duration.ofNanos(System.nanoTime() - t2));
        for (int i = 0; i < results.size(); i++) {
            TaskResult r = results.get(i);
            r.expert().ifPresent(name -> stages.merge("expert:" + name, r.elapsed(), Duration::plus));
        }
        String raw = tokenizer.decode(answerIds(g.tokens()), false);
        LOG.debug("answer '{}' ({} tokens, {}), timings {}", raw, g.tokens().length, g.finishReason(), stages);
        return new Response(parsed.text(), results, parsed, raw, g.tokens(), g.finishReason(), parsed.warnings(),
                new StageTimings(stages));
    }

    private int[] answerIds(int[] tokens) {
        return java.util.Arrays.stream(tokens).filter(t -> !stopTokens.contains(t)).toArray();
    }

    /**
     * {@link #ask(BufferedImage, String)} on the common pool.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @return the answer, when it is ready
     */
    public CompletableFuture<Response> askAsync(BufferedImage image, String instruction) {
        return askAsync(image, instruction, ForkJoinPool.commonPool());
    }

    /**
     * {@link #ask(BufferedImage, String)} on the given executor.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @param executor where the request runs
     * @return the answer, when it is ready
     */
    public CompletableFuture<Response> askAsync(BufferedImage image, String instruction, Executor executor) {
        return CompletableFuture.supplyAsync(() -> ask(image, instruction), executor);
    }

    /** Task type whose tasks get the mask-prompt head's point. */
    static final String SEGMENT = "segment";
    /** Label of the grounding the region head adds. */
    public static final String REGION_HEAD_LABEL = "region_head";
    /** Label of the point grounding the mask-prompt head adds. */
    public static final String MASK_PROMPT_HEAD_LABEL = "mask_prompt_head";

    /**
     * TPO path, for tasks that carry their token's hidden state: a task that names no region gets the region head's
     * box (when the checkpoint has a region head); a segment task also gets the mask-prompt head's point (when the
     * checkpoint has that head and the {@link MaskPromptPoints} policy allows), after its box, so a box-and-point
     * segmenter is prompted with both.
     */
    private ParsedOutput withHeads(ParsedOutput parsed, BufferedImage image) {
        boolean region = hasRegionHead();
        boolean mask = hasMaskPromptHead();
        if (!region && !mask) {
            return parsed;
        }
        List<Segment> segments = new ArrayList<>();
        boolean changed = false;
        for (Segment s : parsed.segments()) {
            if (s instanceof TaskCall t && t.hiddenState().isPresent()) {
                float[] hidden = t.hiddenState().get();
                List<Grounding> groundings = new ArrayList<>(t.groundings());
                if (region && groundings.isEmpty()) {
                    groundings.add(Grounding.of(headBox(hidden, image.getWidth(), image.getHeight()),
                            REGION_HEAD_LABEL));
                }
                boolean point = switch (maskPromptPoints) {
                    case ALWAYS -> true;
                    case WHEN_NO_REGION -> t.groundings().isEmpty();
                    case NEVER -> false;
                };
                if (mask && point && SEGMENT.equals(t.taskType())) {
                    groundings.add(Grounding.of(headPoint(hidden, image.getWidth(), image.getHeight()),
                            MASK_PROMPT_HEAD_LABEL));
                }
                if (groundings.size() != t.groundings().size()) {
                    segments.add(new TaskCall(t.taskType(), t.arguments(), groundings, t.hiddenState(),
                            t.tokenIndex()));
                    changed = true;
                    continue;
                }
            }
            segments.add(s);
        }
        return changed ? new ParsedOutput(segments, parsed.warnings()) : parsed;
    }

    /**
     * The region head's box for a hidden state, in pixels of an image of the given size.
     *
     * @param hidden a task token's last-layer hidden state
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @return the box
     * @throws IllegalStateException when the checkpoint has no region head
     */
    public Box headBox(float[] hidden, int width, int height) {
        double[] b;
        synchronized (lock) {
            b = model.heads().regionBox(hidden);
        }
        return new Box(b[0] * width, b[1] * height, b[2] * width, b[3] * height);
    }

    /**
     * The mask-prompt head's point prompt for a hidden state, in pixels of an image of the given size.
     *
     * @param hidden a task token's last-layer hidden state
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @return the point
     * @throws IllegalStateException when the checkpoint has no mask-prompt head
     */
    public Point headPoint(float[] hidden, int width, int height) {
        double[] p;
        synchronized (lock) {
            p = model.heads().maskPromptPoint(hidden);
        }
        return new Point(p[0] * width, p[1] * height);
    }

    /**
     * Whether the checkpoint has a TPO-style region head.
     *
     * @return true when {@code heads.safetensors} holds one
     */
    public boolean hasRegionHead() {
        return model.heads().region().isPresent();
    }

    /**
     * Whether the checkpoint has a TPO-style mask-prompt head.
     *
     * @return true when {@code heads.safetensors} holds one
     */
    public boolean hasMaskPromptHead() {
        return model.heads().maskPrompt().isPresent();
    }

    /**
     * What the build found worth a warning (also logged): experts that no task of the model's vocabulary can
     * reach, because the model never emits their task types or a route sends those types elsewhere.
     *
     * @return one line per finding; empty when there is none
     */
    public List<String> buildWarnings() {
        return buildWarnings;
    }

    /**
     * The generation settings every request uses: the runtime's defaults with the builder's explicit settings laid
     * over them ({@link GenerationConfig#overlay}).
     *
     * @return the settings
     */
    public GenerationConfig generation() {
        return generation;
    }

    /**
     * The loaded model (lower-level API), owned by the runtime.
     *
     * @return the model
     */
    public LlavaModel model() {
        return model;
    }

    /**
     * The tokenizer in use.
     *
     * @return the tokenizer (the caller's when one was passed to the builder)
     */
    public UnimllmTokenizer tokenizer() {
        return tokenizer;
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
     * The checkpoint's unimllm.json as read.
     *
     * @return the manifest
     */
    public ModelManifest manifest() {
        return manifest;
    }

    /** Closes what the runtime created: the router it built (and its experts), the tokenizer it loaded, the model. */
    @Override
    public void close() {
        if (ownsRouter) {
            router.close();
        }
        if (ownsTokenizer) {
            tokenizer.close();
        }
        model.close();
    }

    /** Builder of a {@link UnifiedMllm}. */
    public static final class Builder {
        private final Path dir;
        private LoadOptions loadOptions = LoadOptions.defaults();
        private UnimllmTokenizer tokenizer;
        private GroundingCodec codec;
        private TaskRouter router;
        private final List<ExpertModel> experts = new ArrayList<>();
        private final Map<String, List<String>> routes = new LinkedHashMap<>();
        /** Null while not set explicitly: discovery is on unless the caller brings a router. */
        private Boolean discover;
        private Duration timeout;
        private GenerationConfig generation;
        private boolean strict;
        private MaskPromptPoints maskPromptPoints = MaskPromptPoints.WHEN_NO_REGION;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /**
         * Device, dtype and decoder plan of the model.
         *
         * @param options the load options (default: GPU when present, else CPU fp32; the inference plan)
         * @return this builder
         */
        public Builder loadOptions(LoadOptions options) {
            this.loadOptions = options;
            return this;
        }

        /**
         * Uses this tokenizer instead of the checkpoint's; it stays the caller's (the runtime does not close it).
         *
         * @param tokenizer the tokenizer
         * @return this builder
         */
        public Builder tokenizer(UnimllmTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Uses this grounding dialect instead of unimllm.json's.
         *
         * @param codec the codec
         * @return this builder
         */
        public Builder codec(GroundingCodec codec) {
            this.codec = codec;
            return this;
        }

        /**
         * Uses this router as it is instead of building one; it stays the caller's (the runtime does not close it).
         * Experts, routes, discovery and the expert timeout configure the router the runtime builds, so combining
         * any of them with a router is an error at {@link #build()}.
         *
         * @param router the caller's router
         * @return this builder
         */
        public Builder router(TaskRouter router) {
            this.router = router;
            return this;
        }

        /**
         * Adds an expert to the router the runtime builds; it stays the caller's (the runtime does not close it).
         *
         * @param expert the expert
         * @return this builder
         */
        public Builder expert(ExpertModel expert) {
            experts.add(java.util.Objects.requireNonNull(expert, "expert"));
            return this;
        }

        /**
         * Routes a task type to these experts, most preferred first, replacing unimllm.json's route for that type (an
         * empty list removes it, leaving capability and priority to decide).
         *
         * @param taskType the task type, e.g. {@code segment}
         * @param expertNames the experts' names
         * @return this builder
         */
        public Builder route(String taskType, String... expertNames) {
            routes.put(java.util.Objects.requireNonNull(taskType, "taskType"), List.of(expertNames));
            return this;
        }

        /**
         * Whether the router the runtime builds adds the experts found through ServiceLoader.
         *
         * @param discover true to discover (the default when no router is given)
         * @return this builder
         */
        public Builder discoverExperts(boolean discover) {
            this.discover = discover;
            return this;
        }

        /**
         * Per-request expert timeout of the router the runtime builds.
         *
         * @param timeout the timeout (default 60 s)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Generation settings laid over the runtime's defaults (greedy, unimllm.json's max_new_tokens, the task
         * tokens' hidden states kept, the tokenizer's and the model's stop ids): only the settings set explicitly on
         * {@code generation} replace a default ({@link GenerationConfig#overlay}), so setting a temperature keeps the
         * hidden states and the stop ids.
         *
         * @param generation the settings to lay over the defaults
         * @return this builder
         */
        public Builder generation(GenerationConfig generation) {
            this.generation = generation;
            return this;
        }

        /**
         * Strict parsing: malformed model output raises a {@code ProtocolException} instead of a warning.
         *
         * @param strict true for strict parsing (default false)
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * When segment tasks get the mask-prompt head's point.
         *
         * @param policy the policy (default {@link MaskPromptPoints#WHEN_NO_REGION})
         * @return this builder
         */
        public Builder maskPromptPoints(MaskPromptPoints policy) {
            this.maskPromptPoints = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Loads everything.
         *
         * @return the runtime, which the caller closes
         * @throws IllegalStateException when a router is given together with experts, routes, discovery or a timeout
         */
        public UnifiedMllm build() {
            return create(this);
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
            if (Boolean.TRUE.equals(discover)) {
                clash.add("discoverExperts(true)");
            }
            if (timeout != null) {
                clash.add("timeout(" + timeout + ")");
            }
            if (!clash.isEmpty()) {
                throw new IllegalStateException("the builder was given a router and also " + String.join(", ", clash)
                        + ", which configure the router the runtime would build; register experts and routes on "
                        + "your router instead, or leave out router(...)");
            }
        }
    }

}
