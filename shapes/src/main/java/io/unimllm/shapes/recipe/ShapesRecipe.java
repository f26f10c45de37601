package io.unimllm.shapes.recipe;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.image.ImageProcessorConfig;
import io.unimllm.core.model.DecoderPlan;
import io.unimllm.core.model.LlavaModel;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.shapes.world.Phrasings;
import io.unimllm.shapes.world.Sample;
import io.unimllm.shapes.world.WorldGenerator;
import io.unimllm.shapes.world.WorldTokenizer;
import io.unimllm.tokenizer.ChatTemplate;
import io.unimllm.tokenizer.UnimllmTokenizer;
import io.unimllm.training.data.Batcher;
import io.unimllm.training.train.ModelInitializer;
import io.unimllm.training.train.Stages;
import io.unimllm.training.train.Trainer;
import io.unimllm.training.train.TrainingBatch;
import io.unimllm.training.train.TrainingOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The recipe of the small model the repository ships: a LLaVA-style MLLM trained from scratch on the synthetic shapes
 * world to answer with unimllm's task and grounding tokens, with TPO-style region and mask-prompt heads. Everything
 * is written in the standard checkpoint layout (config.json, model.safetensors, heads.safetensors, tokenizer.json,
 * unimllm.json).
 */
public final class ShapesRecipe {
    /** Image side of the world and of the vision tower. */
    public static final int IMAGE_SIZE = 48;
    /** The chat template the model is trained with. */
    public static final ChatTemplate TEMPLATE = new ChatTemplate.LlavaPlain();

    private ShapesRecipe() {
    }

    /**
     * Hyper-parameters of a training run. Build one with {@link #builder()}, which names what it sets and defaults the
     * last four components as the seven-argument constructor does.
     *
     * @param steps optimizer steps of the run, those of the resumed part included
     * @param batchSize samples per optimizer step
     * @param lr peak learning rate
     * @param warmup steps of linear learning-rate warm-up
     * @param seed seed of the trainer and of the training samples (validation samples use {@code seed + 1000003})
     * @param budget wall-clock budget: the run stops, and saves, after the first step that ends past it
     * @param resume continue from the checkpoint's {@code trainer_state.json} when there is one
     * @param precision fp32, or fp16 mixed precision (fp32 master weights; meant for GPUs, see docs/training.md)
     * @param headLossWeight weight of the region and mask-prompt heads' losses next to the language loss (1 = the
     *     recipe's default)
     * @param sameKindDistractors probability that a training scene's further shapes share its first shape's kind
     *     ({@link WorldGenerator#sameKindDistractors}; 0 = the plain world; validation always uses the plain world)
     * @param fillers probability that a training instruction gets a filler word ({@link WorldGenerator#fillers}; 0 =
     *     none)
     */
    public record Run(int steps, int batchSize, double lr, int warmup, long seed, Duration budget, boolean resume,
            TrainingOptions.Precision precision, double headLossWeight, double sameKindDistractors, double fillers) {
        /**
         * Checks the weight (the probabilities are checked by {@link WorldGenerator#sameKindDistractors} and
         * {@link WorldGenerator#fillers} when training starts).
         *
         * @param steps optimizer steps of the run, those of the resumed part included
         * @param batchSize samples per optimizer step
         * @param lr peak learning rate
         * @param warmup steps of linear learning-rate warm-up
         * @param seed seed of the trainer and of the training samples
         * @param budget wall-clock budget
         * @param resume continue from the checkpoint's {@code trainer_state.json} when there is one
         * @param precision fp32, or fp16 mixed precision
         * @param headLossWeight weight of the heads' losses next to the language loss, finite and {@code >= 0}
         * @param sameKindDistractors probability of same-kind distractors in training scenes
         * @param fillers probability of a filler word in a training instruction
         * @throws IllegalArgumentException when {@code headLossWeight} is negative, NaN or infinite
         */
        public Run {
            if (!(headLossWeight >= 0) || Double.isInfinite(headLossWeight)) {
                throw new IllegalArgumentException("head loss weight must be finite and >= 0, got " + headLossWeight);
            }
        }

        /**
         * An fp32 run on the plain world (no same-kind distractors, no fillers) with the default head loss weight (1).
         *
         * @param steps optimizer steps of the run, those of the resumed part included
         * @param batchSize samples per optimizer step
         * @param lr peak learning rate
         * @param warmup steps of linear learning-rate warm-up
         * @param seed seed of the trainer and of the training samples
         * @param budget wall-clock budget
         * @param resume continue from the checkpoint's {@code trainer_state.json} when there is one
         */
        public Run(int steps, int batchSize, double lr, int warmup, long seed, Duration budget, boolean resume) {
            this(steps, batchSize, lr, warmup, seed, budget, resume, TrainingOptions.Precision.FP32, 1.0, 0.0, 0.0);
        }

        /**
         * A builder with no schedule set and the seven-argument constructor's defaults for the rest.
         *
         * @return a new builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builder of {@link Run}. {@link #steps}, {@link #batchSize}, {@link #lr}, {@link #warmup}, {@link #seed} and
         * {@link #budget} must be set; the others default to a fresh run ({@code resume} false), fp32, head loss
         * weight 1, no same-kind distractors and no fillers. Values are checked by the record's constructor.
         */
        public static final class Builder {
            private Integer steps;
            private Integer batchSize;
            private Double lr;
            private Integer warmup;
            private Long seed;
            private Duration budget;
            private boolean resume;
            private TrainingOptions.Precision precision = TrainingOptions.Precision.FP32;
            private double headLossWeight = 1.0;
            private double sameKindDistractors;
            private double fillers;

            private Builder() {
            }

            /**
             * Sets the optimizer steps of the run.
             *
             * @param steps the steps, those of a resumed part included
             * @return this builder
             */
            public Builder steps(int steps) {
                this.steps = steps;
                return this;
            }

            /**
             * Sets the samples per optimizer step.
             *
             * @param batchSize the batch size
             * @return this builder
             */
            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            /**
             * Sets the peak learning rate.
             *
             * @param lr the learning rate
             * @return this builder
             */
            public Builder lr(double lr) {
                this.lr = lr;
                return this;
            }

            /**
             * Sets the steps of linear learning-rate warm-up.
             *
             * @param warmup the warm-up steps
             * @return this builder
             */
            public Builder warmup(int warmup) {
                this.warmup = warmup;
                return this;
            }

            /**
             * Sets the seed of the trainer and of the training samples.
             *
             * @param seed the seed
             * @return this builder
             */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /**
             * Sets the wall-clock budget.
             *
             * @param budget the budget
             * @return this builder
             */
            public Builder budget(Duration budget) {
                this.budget = budget;
                return this;
            }

            /**
             * Continues from the checkpoint's trainer state when there is one (default false).
             *
             * @param resume whether to resume
             * @return this builder
             */
            public Builder resume(boolean resume) {
                this.resume = resume;
                return this;
            }

            /**
             * Sets the numeric precision (default {@link TrainingOptions.Precision#FP32}).
             *
             * @param precision the precision
             * @return this builder
             */
            public Builder precision(TrainingOptions.Precision precision) {
                this.precision = precision;
                return this;
            }

            /**
             * Sets the weight of the heads' losses next to the language loss (default 1).
             *
             * @param headLossWeight the weight, finite and {@code >= 0}
             * @return this builder
             */
            public Builder headLossWeight(double headLossWeight) {
                this.headLossWeight = headLossWeight;
                return this;
            }

            /**
             * Sets the probability of same-kind distractors in training scenes (default 0).
             *
             * @param sameKindDistractors the probability, in [0, 1]
             * @return this builder
             */
            public Builder sameKindDistractors(double sameKindDistractors) {
                this.sameKindDistractors = sameKindDistractors;
                return this;
            }

            /**
             * Sets the probability of a filler word in a training instruction (default 0).
             *
             * @param fillers the probability, in [0, 1]
             * @return this builder
             */
            public Builder fillers(double fillers) {
                this.fillers = fillers;
                return this;
            }

            /**
             * Builds the run.
             *
             * @return the run
             * @throws IllegalStateException when steps, batch size, learning rate, warm-up, seed or budget is unset
             * @throws IllegalArgumentException when the record's constructor rejects a value
             */
            public Run build() {
                List<String> missing = new ArrayList<>();
                if (steps == null) {
                    missing.add("steps");
                }
                if (batchSize == null) {
                    missing.add("batchSize");
                }
                if (lr == null) {
                    missing.add("lr");
                }
                if (warmup == null) {
                    missing.add("warmup");
                }
                if (seed == null) {
                    missing.add("seed");
                }
                if (budget == null) {
                    missing.add("budget");
                }
                if (!missing.isEmpty()) {
                    throw new IllegalStateException("ShapesRecipe.Run needs " + String.join(", ", missing)
                            + " set");
                }
                return new Run(steps, batchSize, lr, warmup, seed, budget, resume, precision, headLossWeight,
                        sameKindDistractors, fillers);
            }
        }
    }

    /** Fails when {@code tok} (of checkpoint {@code dir}) lacks a filler word, as tokenizers written before them do. */
    static void requireFillerWords(UnimllmTokenizer tok, Path dir) {
        for (String w : Phrasings.FILLER_WORDS) {
            if (tok.find(w).isEmpty()) {
                throw new IllegalArgumentException("the tokenizer of " + dir + " lacks the filler word '" + w
                        + "' (written before fillers existed): train it without fillers, or from scratch");
            }
        }
    }

    /**
     * The model's config.json: a 4-layer Llama decoder and a 2-layer CLIP vision tower on {@link #IMAGE_SIZE} px.
     *
     * @param vocab the vocabulary size
     * @param imageTokenId the id of the {@code <image>} token
     * @return the parsed config
     */
    public static LlavaConfig config(int vocab, int imageTokenId) {
        String json = String.format(Locale.ROOT, """
            {"model_type":"llava","image_token_index":%d,"vision_feature_layer":-1,
             "vision_feature_select_strategy":"default","projector_hidden_act":"gelu","tie_word_embeddings":false,
             "text_config":{"model_type":"llama","hidden_size":128,"intermediate_size":352,"num_hidden_layers":4,
               "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":%d,"max_position_embeddings":160,
               "rms_norm_eps":1e-5,"rope_theta":10000.0,"bos_token_id":1,"eos_token_id":2,"pad_token_id":0},
             "vision_config":{"model_type":"clip_vision_model","hidden_size":96,"intermediate_size":192,
               "num_hidden_layers":2,"num_attention_heads":4,"image_size":%d,"patch_size":8,"num_channels":3,
               "hidden_act":"quick_gelu","layer_norm_eps":1e-5}}
            """, imageTokenId, vocab, IMAGE_SIZE);
        try {
            return LlavaConfig.parse(new ObjectMapper().readTree(json), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes tokenizer, config, random weights, preprocessing and unimllm.json into {@code dir}, with token
     * embeddings of standard deviation 1.
     *
     * @param dir the checkpoint directory, created if needed
     * @param seed seed of the random weights
     */
    public static void initialise(Path dir, long seed) {
        initialise(dir, seed, 1.0);
    }

    /**
     * As {@link #initialise(Path, long)} with the token embeddings' initial standard deviation.
     *
     * @param dir the checkpoint directory, created if needed
     * @param seed seed of the random weights
     * @param embeddingRange initial standard deviation of the token embeddings
     */
    public static void initialise(Path dir, long seed, double embeddingRange) {
        try {
            Files.createDirectories(dir);
            int vocab = WorldTokenizer.write(dir);
            int imageToken = WorldTokenizer.CONTROL.size(); // "<image>" follows the control tokens
            new ModelInitializer(0.02, embeddingRange, seed).write(config(vocab, imageToken), dir);
            ObjectMapper json = new ObjectMapper();
            ObjectNode pre = json.createObjectNode();
            pre.put("crop_size", IMAGE_SIZE);
            pre.putArray("image_mean").add(0.5).add(0.5).add(0.5);
            pre.putArray("image_std").add(0.5).add(0.5).add(0.5);
            pre.put("rescale_factor", 1.0 / 255);
            pre.put("image_aspect_ratio", "square");
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ImageProcessorConfig.FILE).toFile(), pre);
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("unimllm.json").toFile(), manifest(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode manifest(ObjectMapper json) {
        ObjectNode m = json.createObjectNode();
        m.put("format", 1);
        m.put("chat_template", TEMPLATE.name());
        m.put("image_token", "<image>");
        m.put("codec", "unimllm");
        ObjectNode tasks = m.putObject("tasks");
        tasks.put("<task_seg>", "segment");
        tasks.put("<task_det>", "detect");
        tasks.put("<task_edit>", "edit");
        ObjectNode routes = m.putObject("routes");
        routes.putArray("segment").add("colour-region-segmenter");
        routes.putArray("detect").add("grounding-detections");
        routes.putArray("edit").add("mask-editor");
        m.put("fallback", "error");
        // the photo experts (COCO detector, person segmenter, upscaler) do not apply to the shapes world
        ObjectNode experts = m.putObject("experts");
        experts.put("centernet.enabled", "false");
        experts.put("selfie.enabled", "false");
        experts.put("esrgan.enabled", "false");
        m.putObject("generation").put("max_new_tokens", 64);
        return m;
    }

    /**
     * Examples of the world for the batcher.
     *
     * @param world the generator to draw from
     * @param n how many
     * @return {@code n} examples, in draw order
     */
    public static List<Batcher.Example> examples(WorldGenerator world, int n) {
        List<Batcher.Example> out = new ArrayList<>(n);
        for (Sample s : world.next(n)) {
            out.add(s.toExample());
        }
        return out;
    }

    /**
     * A batcher for a checkpoint directory of this recipe.
     *
     * @param dir the checkpoint directory (its preprocessing config is read)
     * @param tok the checkpoint's tokenizer
     * @param model the loaded model (for its image sequence length)
     * @return the batcher
     */
    public static Batcher batcher(Path dir, UnimllmTokenizer tok, LlavaModel model) {
        ImagePreprocessor pre = new ImagePreprocessor(ImageProcessorConfig.load(dir, IMAGE_SIZE));
        return new Batcher(tok, TEMPLATE, pre, model.config().imageSeqLength(), "<image>");
    }

    /**
     * Trains the checkpoint in {@code dir} in place (from scratch), saving every 250 steps and at the end.
     *
     * @param dir a checkpoint written by {@link #initialise}, or one to resume
     * @param run the run's hyper-parameters
     * @param log where progress lines go, every 10 steps
     * @return the final validation loss (NaN when the run ends before any step)
     * @throws IllegalArgumentException when {@code run} asks for fillers and the checkpoint's tokenizer lacks them
     */
    public static double train(Path dir, Run run, PrintStream log) {
        // fp32 weights in any case: they are the weights under fp32 and the master weights under mixed precision
        // (a plain load would pick fp16 on a GPU)
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(dir);
                LlavaModel model = LlavaModel.load(dir, LoadOptions.builder().dtype(DataType.FLOAT32)
                        .plan(DecoderPlan.training()).build());
                Trainer trainer = new Trainer(model, Stages.fromScratch().schedule(run.lr(), run.warmup(), run.steps())
                        .regionHead(run.headLossWeight()).maskPromptHead(run.headLossWeight()).weightDecay(0.01)
                        .clipNorm(1.0).seed(run.seed()).precision(run.precision()).build(), dir)) {
            if (run.fillers() > 0) {
                requireFillerWords(tok, dir);
            }
            Batcher batcher = batcher(dir, tok, model);
            TrainingBatch validation = batcher.batch(examples(new WorldGenerator(IMAGE_SIZE, Phrasings.TRAIN,
                    run.seed() + 1_000_003), 64));
            int first = 0;
            if (run.resume() && Files.isRegularFile(dir.resolve("trainer_state.json"))) {
                trainer.resume(dir);
                first = trainer.optimizerSteps();
                log.printf(Locale.ROOT, "resumed at optimizer step %d%n", first);
            }
            // a resumed run draws new samples, not the ones its first part saw
            WorldGenerator world = new WorldGenerator(IMAGE_SIZE, Phrasings.TRAIN, run.seed() + first)
                    .sameKindDistractors(run.sameKindDistractors()).fillers(run.fillers());
            long start = System.nanoTime();
            double ema = Double.NaN;
            double val = Double.NaN;
            for (int step = first; step < run.steps(); step++) {
                Trainer.StepResult r = trainer.step(batcher.batch(examples(world, run.batchSize())));
                ema = Double.isNaN(ema) ? r.loss() : 0.95 * ema + 0.05 * r.loss();
                double elapsed = (System.nanoTime() - start) / 1e9;
                boolean last = step == run.steps() - 1 || elapsed > run.budget().toSeconds();
                if (step % 250 == 249 || last) {
                    val = trainer.loss(validation);
                    trainer.save(dir, true, !last);
                }
                if (step % 10 == 9 || last) {
                    log.printf(Locale.ROOT, "step %5d/%d  loss %.4f (lm %.4f, region %.4f, point %.4f)  val %s  "
                            + "lr %.2e  %.1f samples/s  %s elapsed  skipped %d repaired %d%s%n", step + 1, run.steps(),
                            ema, r.lmLoss(), r.regionLoss(), r.pointLoss(),
                            // no validation loss before the first check (step 250)
                            Double.isNaN(val) ? "-" : String.format(Locale.ROOT, "%.4f", val), r.lr(),
                            (step + 1 - first) * run.batchSize() / elapsed,
                            Duration.ofSeconds((long) elapsed), trainer.skippedSteps(), trainer.repairedSteps(),
                            run.precision() == TrainingOptions.Precision.FP32 ? ""
                                    : String.format(Locale.ROOT, "  scale %.0f overflows %d", trainer.lossScale(),
                                            trainer.overflowSteps()));
                }
                if (last) {
                    break;
                }
            }
            return val;
        }
    }
}
