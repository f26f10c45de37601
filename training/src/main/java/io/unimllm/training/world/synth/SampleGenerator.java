package io.unimllm.training.world.synth;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Draws {@link Sample}s. Sample {@code i} under seed {@code s} depends only on {@code (s, i)} and the phrasing set,
 * never on which other samples were drawn, so datasets are reproducible and can be generated lazily.
 */
public final class SampleGenerator {
    private static final int SCENE_TRIES = 100;
    private final WorldConfig config;
    private final SceneGenerator scenes;
    private final List<TaskKind> kinds = new ArrayList<>();
    private final double[] cumulative;

    /** A generator for the given configuration. */
    public SampleGenerator(WorldConfig config) {
        this.config = config;
        this.scenes = new SceneGenerator(config.imageSize(), config.maxShapes());
        List<Double> ws = new ArrayList<>();
        for (TaskKind k : TaskKind.values()) {
            double w = config.taskWeights().getOrDefault(k, 0.0);
            if (w > 0) {
                kinds.add(k);
                ws.add(w);
            }
        }
        cumulative = new double[ws.size()];
        double sum = 0;
        for (int i = 0; i < ws.size(); i++) {
            sum += ws.get(i);
            cumulative[i] = sum;
        }
    }

    /** The configuration. */
    public WorldConfig config() {
        return config;
    }

    /** The first {@code count} samples under {@code seed}, lazily, ids {@code prefix-000000...}. */
    public Stream<Sample> stream(long seed, PhrasingSet set, int count, String prefix) {
        return IntStream.range(0, count).mapToObj(i -> generate(seed, i, set, prefix));
    }

    /** Sample {@code index} under {@code seed}, phrased with templates from {@code set}. */
    public Sample generate(long seed, int index, PhrasingSet set, String prefix) {
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        TaskKind kind = pickKind(random);
        String id = String.format("%s-%06d", prefix, index);
        for (int t = 0; t < SCENE_TRIES; t++) {
            Scene scene = scenes.next(random);
            Sample s = build(id, scene, kind, set, random);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalStateException("could not draw a " + kind + " sample in " + SCENE_TRIES + " scenes (seed "
                + seed + ", index " + index + ")");
    }

    private static long mix(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private TaskKind pickKind(SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return kinds.get(i);
            }
        }
        return kinds.get(kinds.size() - 1);
    }

    /** Builds a sample of {@code kind} on {@code scene}, or null when the scene does not allow one. */
    private Sample build(String id, Scene scene, TaskKind kind, PhrasingSet set, SplittableRandom random) {
        int size = scene.size();
        List<String> templates = Phrasings.templates(kind, set);
        String template = templates.get(random.nextInt(templates.size()));
        ShapeKind shapeKind = pick(random, ShapeKind.values());
        switch (kind) {
            case SEGMENT, LOCATE, RECOLOR, REMOVE, COLOR -> {
                boolean allowColor = kind != TaskKind.COLOR;
                List<Integer> targets = IntStream.range(0, scene.shapes().size())
                        .filter(i -> !ReferringExpressions.candidates(scene, i, allowColor).isEmpty()).boxed()
                        .toList();
                if (targets.isEmpty()) {
                    return null;
                }
                int target = targets.get(random.nextInt(targets.size()));
                List<String> phrases = ReferringExpressions.candidates(scene, target, allowColor);
                String phrase = phrases.get(random.nextInt(phrases.size()));
                Shape shape = scene.shape(target);
                Box box = scene.box(target);
                Mask mask = scene.mask(target);
                ShapeColor newColor = shape.color();
                while (newColor == shape.color()) {
                    newColor = pick(random, ShapeColor.values());
                }
                String instruction = Phrasings.fill(template, phrase, shape.kind(), newColor);
                String answer;
                GroundTruth truth;
                switch (kind) {
                    case SEGMENT, LOCATE -> {
                        answer = AnswerFormat.task(kind.taskType(), phrase, List.of(box), size, size);
                        truth = new GroundTruth(List.of(box), List.of(mask), Optional.empty());
                    }
                    case RECOLOR -> {
                        answer = AnswerFormat.task("edit", newColor.word(), List.of(box), size, size);
                        truth = new GroundTruth(List.of(box), List.of(mask),
                                Optional.of(scene.withColor(target, newColor).render()));
                    }
                    case REMOVE -> {
                        answer = AnswerFormat.task("edit", "remove", List.of(box), size, size);
                        truth = new GroundTruth(List.of(box), List.of(mask),
                                Optional.of(scene.without(target).render()));
                    }
                    default -> {
                        answer = shape.color().word();
                        truth = GroundTruth.none();
                    }
                }
                return new Sample(id, scene, scene.render(), kind, template, instruction, answer, truth);
            }
            case DETECT -> {
                // Mostly ask for a kind that is present, sometimes for one that is absent (answer: no boxes).
                if (random.nextInt(4) != 0 && !scene.shapes().isEmpty()) {
                    shapeKind = scene.shapes().get(random.nextInt(scene.shapes().size())).kind();
                }
                ShapeKind k = shapeKind;
                List<Integer> idx = IntStream.range(0, scene.shapes().size())
                        .filter(i -> scene.shape(i).kind() == k).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> scene.box(i).x1())
                                .thenComparingDouble(i -> scene.box(i).y1()))
                        .toList();
                List<Box> boxes = idx.stream().map(scene::box).toList();
                List<Mask> masks = idx.stream().map(scene::mask).toList();
                String instruction = Phrasings.fill(template, "", k, ShapeColor.RED);
                String answer = AnswerFormat.task("det", k.word(), boxes, size, size);
                return new Sample(id, scene, scene.render(), kind, template, instruction, answer,
                        new GroundTruth(boxes, masks, Optional.empty()));
            }
            case COUNT -> {
                int n = template.contains("{k}") ? scene.count(shapeKind) : scene.shapes().size();
                String instruction = Phrasings.fill(template, "", shapeKind, ShapeColor.RED);
                return new Sample(id, scene, scene.render(), kind, template, instruction, Integer.toString(n),
                        GroundTruth.none());
            }
            case EXISTS -> {
                if (random.nextBoolean() && !scene.shapes().isEmpty()) {
                    shapeKind = scene.shapes().get(random.nextInt(scene.shapes().size())).kind();
                }
                String instruction = Phrasings.fill(template, "", shapeKind, ShapeColor.RED);
                String answer = scene.count(shapeKind) > 0 ? "yes" : "no";
                return new Sample(id, scene, scene.render(), kind, template, instruction, answer, GroundTruth.none());
            }
            default -> throw new IllegalStateException("unhandled task kind " + kind);
        }
    }

    private static <T> T pick(SplittableRandom random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
