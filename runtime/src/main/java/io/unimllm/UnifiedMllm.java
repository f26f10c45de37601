package io.unimllm;

import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.protocol.Segment;
import io.unimllm.protocol.FreeGrounding;
import io.unimllm.protocol.ParseWarning;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final GenerationLoop loop;
    /** Runs parsing, the heads' policy and the router after generation, off the generation thread. */
    private final ExecutorService post;
    private volatile boolean closed;
    private final java.util.concurrent.locks.ReadWriteLock lifecycle =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final MaskPromptPoints maskPromptPoints;
    private final GenerationConfig generation;
    private final boolean strict;
    private final List<String> buildWarnings;

    private UnifiedMllm(Builder b, ModelManifest manifest, LlavaModel model, UnimllmTokenizer tokenizer,
            boolean ownsTokenizer, TaskRouter router, boolean ownsRouter) {
        this.manifest = manifest;
        this.model = model;
        this.tokenizer = tokenizer;
        this.ownsTokenizer = ownsTokenizer;
        this.router = router;
        this.ownsRouter = ownsRouter;
        this.codec = b.codec != null ? b.codec : manifest.codec();
        checkVocabularies(b.dir, manifest, model, tokenizer);
        int size = model.hasVision() ? model.config().vision().imageSize() : 0;
        this.preprocessor = model.hasVision() ? new ImagePreprocessor(ImageProcessorConfig.load(b.dir, size)) : null;
        // the task tokens' and their slot tokens' hidden states travel with the task calls (docs/protocol.md)
        Set<Integer> keep = new HashSet<>();
        for (String t : manifest.tasks().tokens()) {
            tokenizer.find(t).ifPresent(keep::add);
        }
        List<String> warnings = new ArrayList<>();
        for (String slot : manifest.tasks().slotTokens()) {
            java.util.OptionalInt id = tokenizer.find(slot);
            if (id.isPresent()) {
                keep.add(id.getAsInt());
            } else {
                warnings.add("slot token " + slot + " (unimllm.json slots) is not a token of the tokenizer: the model "
                        + "cannot write it, and tasks that declare it get no slot states");
            }
        }
        Set<Integer> stops = new HashSet<>(tokenizer.eosIds());
        stops.addAll(model.config().text().eosTokenIds());
        GenerationConfig defaults = GenerationConfig.builder().maxNewTokens(manifest.maxNewTokens())
                .keepHiddenStatesOf(keep).stopTokens(stops).build();
        this.generation = b.generation == null ? defaults : defaults.overlay(b.generation);
        this.strict = b.strict;
        this.maskPromptPoints = b.maskPromptPoints;
        warnings.addAll(router.unreachableExperts(new HashSet<>(manifest.tasks().asMap().values())));
        this.buildWarnings = List.copyOf(warnings);
        buildWarnings.forEach(w -> LOG.warn("{}", w));
        this.post = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "unimllm-respond");
            t.setDaemon(true);
            return t;
        });
        this.loop = new GenerationLoop(model, b.maxBatchSize, b.maxQueued, b.maxQueueWait);
    }

    /**
     * Fails at load, not at the first request, when the tokenizer and the model disagree: token ids the model has no
     * embedding for, or an image placeholder the tokenizer does not know or maps to another id than config.json's.
     */
    private static void checkVocabularies(Path dir, ModelManifest manifest, LlavaModel model,
            UnimllmTokenizer tokenizer) {
        tokenizer.requireFits(model.config().text().vocabSize());
        if (!model.hasVision()) {
            return;
        }
        String image = manifest.imageToken();
        java.util.OptionalInt id = tokenizer.find(image);
        if (id.isEmpty()) {
            throw new io.unimllm.protocol.ConfigException("the image token '" + image + "' (unimllm.json image_token)"
                    + " is not in the tokenizer's vocabulary", dir.resolve(ModelManifest.FILE));
        }
        if (id.getAsInt() != model.config().imageTokenIndex()) {
            throw new io.unimllm.protocol.ConfigException("the image token '" + image + "' is id " + id.getAsInt()
                    + " in the tokenizer but config.json's image_token_index is " + model.config().imageTokenIndex(),
                    dir.resolve("config.json"));
        }
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
                special.addAll(manifest.tasks().slotTokens());
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
        ResponseListener listener = onText == null ? null : e -> {
            if (e instanceof ResponseEvent.TextDelta d) {
                onText.accept(d.text());
            }
        };
        return ask(new AskRequest(image, instruction, null, listener));
    }

    /**
     * Asks and waits: {@link #submit(AskRequest)} then the answer.
     *
     * @param request the image, instruction, settings and listener
     * @return the answer with its task results
     * @throws io.unimllm.protocol.UnimllmException for bad input (image, prompt, context length, strict parsing)
     * @throws RequestRejectedException when the queue is full, the request waited too long or the runtime is closed
     */
    public Response ask(AskRequest request) {
        try {
            return submit(request).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Queues a request; concurrent requests are decoded together on the runtime's generation thread (continuous
     * batching: a request joins the running batch at the next step and leaves it when it finishes). Cancelling the
     * returned future stops the request's generation at the next step and frees its place in the batch.
     *
     * <p>The image is preprocessed and the prompt tokenized on the calling thread; bad input is reported there. Parsing,
     * the task heads' policy and the experts run after generation on a runtime thread, so that the generation thread
     * only generates.
     *
     * @param request the image, instruction, settings and listener
     * @return the answer, when it is ready; it fails with {@link RequestRejectedException} when the request waited
     *     longer than the queue allows or the runtime was closed before it finished
     * @throws io.unimllm.protocol.UnimllmException for bad input found before queueing (an image the preprocessing
     *     cannot take)
     * @throws RequestRejectedException when the queue is full or the runtime is closed
     */
    public CompletableFuture<Response> submit(AskRequest request) {
        RequestRun run;
        CompletableFuture<GenerationResult> gen;
        // close() waits for requests being prepared (they use the tokenizer) before it frees anything
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new RequestRejectedException(RequestRejectedException.Reason.CLOSED,
                        "this UnifiedMllm is closed");
            }
            run = new RequestRun(request);
            gen = loop.submit(run.prompt, run.settings, run::onToken);
        } finally {
            lifecycle.readLock().unlock();
        }
        CompletableFuture<Response> out = gen.thenApplyAsync(run::finish, post);
        out.whenComplete((r, e) -> {
            if (out.isCancelled()) {
                gen.cancel(true);
            }
        });
        return out;
    }

    /**
     * The runtime's settings with a request's laid over them. A request that asks to ignore the end-of-sequence
     * token and sets no stop tokens of its own also drops the runtime's default stop ids (the tokenizer's EOS ids):
     * otherwise ignoring EOS could never take effect.
     */
    private GenerationConfig effectiveSettings(GenerationConfig own) {
        if (own == null) {
            return generation;
        }
        GenerationConfig s = generation.overlay(own);
        if (own.ignoreEos() && !own.explicitSettings().contains(GenerationConfig.Setting.STOP_TOKENS)) {
            s = s.toBuilder().stopTokens(Set.of()).build();
        }
        return s;
    }

    /**
     * A warning naming the instruction's words that the tokenizer does not know, when its encoding holds the unknown
     * token; checked word by word only then.
     */
    private java.util.Optional<ParseWarning> unknownWords(String instruction, int[] ids) {
        java.util.OptionalInt unk = tokenizer.unkId();
        if (unk.isEmpty() || java.util.Arrays.stream(ids).noneMatch(i -> i == unk.getAsInt())) {
            return java.util.Optional.empty();
        }
        List<String> words = new ArrayList<>();
        int first = -1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(instruction);
        while (m.find()) {
            int[] w = tokenizer.encodeLiteral(m.group(), false);
            if (java.util.Arrays.stream(w).anyMatch(i -> i == unk.getAsInt())) {
                words.add(m.group());
                first = first < 0 ? m.start() : first;
            }
        }
        if (words.isEmpty()) {
            words.add("(a character sequence)");
            first = 0;
        }
        return java.util.Optional.of(new ParseWarning(ParseWarning.Kind.UNKNOWN_WORDS, "the tokenizer does not know "
                + words.stream().map(w -> "'" + w + "'").collect(java.util.stream.Collectors.joining(", "))
                + "; the model saw its unknown token there", first, -1));
    }

    /** Frame of the groundings of a text-only request. */
    private static final int TEXT_ONLY_FRAME = 1000;

    /** One request from its preparation to its response. */
    private final class RequestRun {
        private final AskRequest request;
        private final long start = System.nanoTime();
        private final Map<String, Duration> stages = new LinkedHashMap<>();
        private final int width;
        private final int height;
        private final Prompt prompt;
        private final GenerationConfig settings;
        private final StreamingDetokenizer detok;
        private final OutputParser parser;
        private final ResponseListener listener;
        private final java.util.Optional<ParseWarning> unknownWords;
        /** Tokens that end this request's answer (not part of its text). */
        private final Set<Integer> ends;
        private int tokenIndex;
        private int tasksAnnounced;
        private final List<Integer> groundingsAnnounced = new ArrayList<>();

        RequestRun(AskRequest request) {
            this.request = request;
            BufferedImage image = request.image();
            float[] pixels = image == null || preprocessor == null ? null : preprocessor.toPixelValues(image);
            // the template's own tokens are control tokens; the user's words never are (injection-safe)
            int[] ids = tokenizer.encode(manifest.template().promptText(request.instruction(),
                    pixels == null ? null : manifest.imageToken()), true);
            this.prompt = new Prompt(ids, pixels == null ? List.of() : List.of(pixels));
            this.unknownWords = unknownWords(request.instruction(), ids);
            this.settings = effectiveSettings(request.generation());
            Set<Integer> ends = new HashSet<>(settings.stopTokens());
            if (!settings.ignoreEos()) {
                ends.addAll(model.config().text().eosTokenIds());
            }
            this.ends = Set.copyOf(ends);
            this.width = image == null ? TEXT_ONLY_FRAME : image.getWidth();
            this.height = image == null ? TEXT_ONLY_FRAME : image.getHeight();
            this.detok = tokenizer.streamingDetokenizer();
            this.parser = new OutputParser(codec, manifest.tasks(), width, height, ParserOptions.strict(strict));
            this.listener = request.listener();
            stages.put("preprocess", Duration.ofNanos(System.nanoTime() - start));
        }

        /** On the generation thread: one generated token into text, parse and events. */
        boolean onToken(int row, int token) {
            if (ends.contains(token)) {
                return true; // the end-of-answer token is not part of the answer
            }
            text(detok.push(token));
            return true;
        }

        private void text(String delta) {
            List<Segment> completed = parser.feed(tokenIndex++, delta);
            if (!delta.isEmpty()) {
                emit(new ResponseEvent.TextDelta(delta));
            }
            announce(completed);
        }

        private void announce(List<Segment> segments) {
            for (Segment s : segments) {
                if (s instanceof TaskCall t) {
                    int index = tasksAnnounced++;
                    emit(new ResponseEvent.TaskParsed(index, t));
                    t.groundings().forEach(g -> emit(new ResponseEvent.GroundingDecoded(index, g)));
                    groundingsAnnounced.add(t.groundings().size());
                } else if (s instanceof FreeGrounding f) {
                    emit(new ResponseEvent.FreeGroundingDecoded(f.grounding()));
                }
            }
        }

        private void emit(ResponseEvent event) {
            if (listener == null) {
                return;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("a response listener failed on {}; the request goes on: {}",
                        event.getClass().getSimpleName(), e.toString());
            }
        }

        /** After generation, on a runtime thread: parse the rest, apply the heads' policy, route, respond. */
        Response finish(GenerationResult g) {
            String tail = detok.flush();
            if (!tail.isEmpty()) {
                text(tail);
            }
            stages.put("vision_encode", g.timings().visionEncode());
            stages.put("prefill", g.timings().prefill());
            stages.put("decode", g.timings().decode());
            long t1 = System.nanoTime();
            ParsedOutput parsed = parser.hiddenStates(g.hiddenStates()).finish();
            parsed = withHeads(parsed, width, height);
            List<TaskCall> tasks = parsed.tasks();
            for (int i = 0; i < tasks.size(); i++) {
                TaskCall t = tasks.get(i);
                if (i >= tasksAnnounced) {
                    emit(new ResponseEvent.TaskParsed(i, t));
                    for (Grounding gr : t.groundings()) {
                        emit(new ResponseEvent.GroundingDecoded(i, gr));
                    }
                } else {
                    // groundings the heads added after the task was announced
                    for (Grounding gr : t.groundings().subList(groundingsAnnounced.get(i), t.groundings().size())) {
                        emit(new ResponseEvent.GroundingDecoded(i, gr));
                    }
                }
            }
            stages.put("parse", Duration.ofNanos(System.nanoTime() - t1));
            long t2 = System.nanoTime();
            List<TaskResult> results = tasks.isEmpty() ? List.of() : request.image() == null ? withoutImage(tasks)
                    : router.route(request.image(), request.instruction(), tasks);
            stages.put("route", Duration.ofNanos(System.nanoTime() - t2));
            for (int i = 0; i < results.size(); i++) {
                TaskResult r = results.get(i);
                r.expert().ifPresent(name -> stages.merge("expert:" + name, r.elapsed(), Duration::plus));
                emit(new ResponseEvent.TaskFinished(i, r));
            }
            String raw = tokenizer.decode(answerIds(g.tokens()), false);
            LOG.debug("answer '{}' ({} tokens, {}), timings {}", raw, g.tokens().length, g.finishReason(), stages);
            List<ParseWarning> warnings = new ArrayList<>();
            unknownWords.ifPresent(warnings::add);
            warnings.addAll(parsed.warnings());
            Response response = new Response(parsed.text(), results, parsed, raw, g.tokens(), g.finishReason(),
                    warnings, new StageTimings(stages));
            emit(new ResponseEvent.Done(g.finishReason(), response));
            return response;
        }

        /** Experts work on an image: the tasks of a text-only request are reported as unserved, not routed. */
        private List<TaskResult> withoutImage(List<TaskCall> tasks) {
            return tasks.stream().map(t -> new TaskResult(t, java.util.Optional.empty(),
                    io.unimllm.router.TaskStatus.NO_EXPERT, java.util.Optional.empty(),
                    java.util.Optional.of(new io.unimllm.router.NoExpertException("task '" + t.taskType()
                            + "' of a text-only request (no image) is not routed: experts work on an image")),
                    Duration.ZERO)).toList();
        }

        private int[] answerIds(int[] tokens) {
            return java.util.Arrays.stream(tokens).filter(t -> !ends.contains(t)).toArray();
        }
    }

    /**
     * {@link #ask(BufferedImage, String)} without waiting: {@link #submit(AskRequest)}.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @return the answer, when it is ready (cancel it to stop the request)
     */
    public CompletableFuture<Response> askAsync(BufferedImage image, String instruction) {
        return submit(AskRequest.of(image, instruction));
    }

    /**
     * {@link #ask(BufferedImage, String)} on the given executor: the request still generates on the runtime's
     * generation thread, batched with the others; the executor's thread waits for it.
     *
     * @param image the image
     * @param instruction what to do or what to answer
     * @param executor where the waiting runs
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
    private ParsedOutput withHeads(ParsedOutput parsed, int width, int height) {
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
                    groundings.add(Grounding.of(headBox(hidden, width, height), REGION_HEAD_LABEL));
                }
                boolean point = switch (maskPromptPoints) {
                    case ALWAYS -> true;
                    case WHEN_NO_REGION -> t.groundings().isEmpty();
                    case NEVER -> false;
                };
                if (mask && point && SEGMENT.equals(t.taskType())) {
                    groundings.add(Grounding.of(headPoint(hidden, width, height), MASK_PROMPT_HEAD_LABEL));
                }
                if (groundings.size() != t.groundings().size()) {
                    segments.add(t.withGroundings(groundings));
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
        double[] b = loop.call(() -> model.heads().regionBox(hidden));
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
        double[] p = loop.call(() -> model.heads().maskPromptPoint(hidden));
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
     * What the build found worth a warning (also logged): slot tokens of unimllm.json that the tokenizer does not
     * have, and experts that no task of the model's vocabulary can reach, because the model never emits their task
     * types or a route sends those types elsewhere.
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

    /**
     * Stops admission (later calls throw {@link RequestRejectedException} with reason CLOSED), fails the queued
     * requests and cancels the running ones (their futures fail with reason CLOSED), waits until the generation
     * thread has stopped, then closes what the runtime created: the router it built (and its experts), the tokenizer
     * it loaded, the model. Safe to call from any thread while other threads are inside {@code ask}, and more than
     * once.
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
        loop.close();
        post.shutdown();
        try {
            if (!post.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("responses still being prepared 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        private int maxBatchSize = 8;
        private int maxQueued = 256;
        private Duration maxQueueWait;

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
         * The most requests decoded together in one batch.
         *
         * @param rows the batch size limit (default 8)
         * @return this builder
         * @throws IllegalArgumentException when {@code rows < 1}
         */
        public Builder maxBatchSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + rows);
            }
            this.maxBatchSize = rows;
            return this;
        }

        /**
         * The most requests waiting for a place in the batch; one more is rejected at once with
         * {@link RequestRejectedException.Reason#QUEUE_FULL}.
         *
         * @param requests the queue limit (default 256)
         * @return this builder
         * @throws IllegalArgumentException when {@code requests < 0}
         */
        public Builder maxQueued(int requests) {
            if (requests < 0) {
                throw new IllegalArgumentException("maxQueued must be >= 0, got " + requests);
            }
            this.maxQueued = requests;
            return this;
        }

        /**
         * The longest a request may wait in the queue; one that waited longer fails with
         * {@link RequestRejectedException.Reason#QUEUE_TIMEOUT} when its turn comes.
         *
         * @param wait the limit (default none)
         * @return this builder
         * @throws IllegalArgumentException when {@code wait} is not positive
         */
        public Builder maxQueueWait(Duration wait) {
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("maxQueueWait must be positive, got " + wait);
            }
            this.maxQueueWait = wait;
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
