package io.unimllm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.generate.GenerationResult;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.core.model.MaskPromptHead;
import io.unimllm.core.model.RegionHead;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.tokenizer.StreamingDetokenizer;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.tokenizer.codec.GroundingCodec;
import io.unimllm.tokenizer.protocol.OutputParser;
import io.unimllm.tokenizer.protocol.ParsedOutput;
import io.unimllm.tokenizer.protocol.Segment;
import io.unimllm.tokenizer.protocol.TaskCall;
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
 * tokens), parsing with the model's grounding codec, the TPO-style region head for tasks that name no region, the
 * mask-prompt head's point for segment tasks, and the {@link TaskRouter}. Generation is serialised (one request at a time on the model); experts run concurrently.
 * {@link #builder(Path)} exposes every part for callers who bring their own tokenizer, codec or experts.
 */
public final class UnifiedMllm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnifiedMllm.class);

    private final LlavaModel model;
    private final UnimllmTokenizer tokenizer;
    private final ModelManifest manifest;
    private final GroundingCodec codec;
    private final TaskRouter router;
    private final boolean ownsRouter;
    private final ImagePreprocessor preprocessor;
    private final Generator generator;
    private final RegionHead regionHead;
    private final MaskPromptHead maskPromptHead;
    private final MaskPromptPoints maskPromptPoints;
    private final GenerationConfig generation;
    private final boolean strict;
    private final Set<Integer> stopTokens;
    private final Object lock = new Object();

    private UnifiedMllm(Builder b) {
        this.manifest = ModelManifest.load(b.dir);
        this.model = LlavaModel.load(b.dir, b.loadOptions);
        try {
            List<String> special = new ArrayList<>(manifest.tasks().tokens());
            special.add(manifest.imageToken());
            this.tokenizer = b.tokenizer != null ? b.tokenizer : UnimllmTokenizer.load(b.dir, special);
            this.codec = b.codec != null ? b.codec : manifest.codec();
            if (b.router != null) {
                this.router = b.router;
                this.ownsRouter = false;
            } else {
                TaskRouter.Builder rb = TaskRouter.builder().routing(manifest.routing()).timeout(b.timeout);
                b.experts.forEach(rb::ownedExpert);
                if (b.discover) {
                    rb.discover(manifest.expertOptions());
                }
                this.router = rb.build();
                this.ownsRouter = true;
            }
            int size = model.hasVision() ? model.config().vision().imageSize() : 0;
            this.preprocessor = model.hasVision()
                    ? new ImagePreprocessor(ImageProcessorConfig.load(b.dir, size)) : null;
            this.generator = new Generator(model);
            this.regionHead = model.hasVision() ? RegionHead.load(b.dir, model.manager(), model.dtype(),
                    model.config().text().hiddenSize()).orElse(null) : null;
            this.maskPromptHead = model.hasVision() ? MaskPromptHead.load(b.dir, model.manager(), model.dtype(),
                    model.config().text().hiddenSize()).orElse(null) : null;
            Set<Integer> keep = new HashSet<>();
            for (String t : manifest.tasks().tokens()) {
                tokenizer.find(t).ifPresent(keep::add);
            }
            Set<Integer> stops = new HashSet<>(tokenizer.eosIds());
            stops.addAll(model.config().text().eosTokenIds());
            this.stopTokens = Set.copyOf(stops);
            this.generation = b.generation != null ? b.generation : GenerationConfig.builder()
                    .maxNewTokens(manifest.maxNewTokens()).keepHiddenStatesOf(keep).stopTokens(stops).build();
            this.strict = b.strict;
            this.maskPromptPoints = b.maskPromptPoints;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Loads a checkpoint with automatic device, the experts found on the class path and default settings. */
    public static UnifiedMllm load(Path dir) {
        return builder(dir).build();
    }

    /** A builder for a checkpoint directory. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Asks about an image file (PNG, JPEG, ...). */
    public Response ask(Path image, String instruction) {
        return ask(ImagePreprocessor.decode(image), instruction, null);
    }

    /** Asks about an image. */
    public Response ask(BufferedImage image, String instruction) {
        return ask(image, instruction, null);
    }

    /**
     * Asks about an image, streaming the answer's text as it is generated.
     *
     * @param onText receives text deltas (special tokens included) as tokens arrive; may be null
     */
    public Response ask(BufferedImage image, String instruction, Consumer<String> onText) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        float[] pixels = preprocessor == null ? null : preprocessor.toPixelValues(image);
        String promptText = manifest.template().prompt(instruction, pixels == null ? null : manifest.imageToken());
        int[] ids = tokenizer.encode(promptText, true);
        stages.put("preprocess", Duration.ofNanos(System.nanoTime() - t0));
        StreamingDetokenizer detok = tokenizer.streamingDetokenizer();
        OutputParser parser = new OutputParser(manifest.tasks(), codec, strict, image.getWidth(), image.getHeight());
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

    /** {@link #ask(BufferedImage, String)} on the common pool. */
    public CompletableFuture<Response> askAsync(BufferedImage image, String instruction) {
        return askAsync(image, instruction, ForkJoinPool.commonPool());
    }

    /** {@link #ask(BufferedImage, String)} on the given executor. */
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
        if (regionHead == null && maskPromptHead == null) {
            return parsed;
        }
        List<Segment> segments = new ArrayList<>();
        boolean changed = false;
        for (Segment s : parsed.segments()) {
            if (s instanceof TaskCall t && t.hiddenState().isPresent()) {
                float[] hidden = t.hiddenState().get();
                List<Grounding> groundings = new ArrayList<>(t.groundings());
                if (regionHead != null && groundings.isEmpty()) {
                    groundings.add(Grounding.of(headBox(hidden, image.getWidth(), image.getHeight()),
                            REGION_HEAD_LABEL));
                }
                boolean point = switch (maskPromptPoints) {
                    case ALWAYS -> true;
                    case WHEN_NO_REGION -> t.groundings().isEmpty();
                    case NEVER -> false;
                };
                if (maskPromptHead != null && point && SEGMENT.equals(t.taskType())) {
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

    /** The region head's box (pixels) for a hidden state. */
    public Box headBox(float[] hidden, int width, int height) {
        if (regionHead == null) {
            throw new IllegalStateException("this checkpoint has no region head (heads.safetensors)");
        }
        float[] b = runHead(regionHead::apply, hidden);
        double x1 = clamp(b[0]) * width;
        double y1 = clamp(b[1]) * height;
        double x2 = Math.max(x1, clamp(b[2]) * width);
        double y2 = Math.max(y1, clamp(b[3]) * height);
        return new Box(x1, y1, x2, y2);
    }

    /** The mask-prompt head's point prompt (pixels) for a hidden state. */
    public Point headPoint(float[] hidden, int width, int height) {
        if (maskPromptHead == null) {
            throw new IllegalStateException("this checkpoint has no mask-prompt head (heads.safetensors)");
        }
        float[] p = runHead(maskPromptHead::apply, hidden);
        return new Point(clamp(p[0]) * width, clamp(p[1]) * height);
    }

    /** A task head's raw fp32 output for one hidden state, computed in a scope of its own. */
    private float[] runHead(java.util.function.UnaryOperator<NDArray> head, float[] hidden) {
        synchronized (lock) {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray h = m.create(hidden, new Shape(1, hidden.length)).toType(model.dtype(), false);
                return head.apply(h).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
        }
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }

    /** True when the checkpoint has a TPO-style region head. */
    public boolean hasRegionHead() {
        return regionHead != null;
    }

    /** True when the checkpoint has a TPO-style mask-prompt head. */
    public boolean hasMaskPromptHead() {
        return maskPromptHead != null;
    }

    /** The loaded model (lower-level API). */
    public LlavaModel model() {
        return model;
    }

    /** The tokenizer. */
    public UnimllmTokenizer tokenizer() {
        return tokenizer;
    }

    /** The router. */
    public TaskRouter router() {
        return router;
    }

    /** unimllm.json as read. */
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public void close() {
        if (ownsRouter) {
            router.close();
        }
        tokenizer.close();
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
        private boolean discover = true;
        private Duration timeout = Duration.ofSeconds(60);
        private GenerationConfig generation;
        private boolean strict;
        private MaskPromptPoints maskPromptPoints = MaskPromptPoints.WHEN_NO_REGION;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Device and dtype (default: GPU when present, else CPU fp32). */
        public Builder loadOptions(LoadOptions options) {
            this.loadOptions = options;
            return this;
        }

        /** Uses this tokenizer instead of the checkpoint's; the runtime closes it. */
        public Builder tokenizer(UnimllmTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Uses this grounding dialect instead of unimllm.json's. */
        public Builder codec(GroundingCodec codec) {
            this.codec = codec;
            return this;
        }

        /** Uses this router (the caller closes it) instead of building one. */
        public Builder router(TaskRouter router) {
            this.router = router;
            return this;
        }

        /** Adds an expert (closed with the runtime). */
        public Builder expert(ExpertModel expert) {
            experts.add(expert);
            return this;
        }

        /** Whether to add experts found through ServiceLoader (default true). */
        public Builder discoverExperts(boolean discover) {
            this.discover = discover;
            return this;
        }

        /** Per-request expert timeout (default 60 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Generation settings (default: greedy, unimllm.json's max_new_tokens, task tokens' hidden states kept). */
        public Builder generation(GenerationConfig generation) {
            this.generation = generation;
            return this;
        }

        /** Strict parsing: malformed model output raises ProtocolException instead of a warning. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** When segment tasks get the mask-prompt head's point (default {@link MaskPromptPoints#WHEN_NO_REGION}). */
        public Builder maskPromptPoints(MaskPromptPoints policy) {
            this.maskPromptPoints = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Loads everything. */
        public UnifiedMllm build() {
            return new UnifiedMllm(this);
        }
    }

}
