package io.unimllm.shapes.world;

import io.unimllm.geometry.Box;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Generates the synthetic visual-instruction world: scenes of 1-3 shapes on varied backgrounds and instructions of
 * every {@link Phrasings.Task}, with answers in unimllm's token protocol. Deterministic under a seed; any size (the
 * shipped model uses 48 px) and, optionally, another largest shape count (default 3).
 *
 * <p>Boxes are written as integers in 1000 bins of the image ({@code floor(v / size * 1000)}, clamped to 0..999), x
 * first: {@code <task_seg>red circle</task><box>120,80,360,400</box>}.
 */
public final class WorldGenerator {
    private static final Color[] BACKGROUNDS = {new Color(245, 245, 245), new Color(200, 200, 200),
        new Color(235, 225, 200), new Color(200, 225, 240), new Color(90, 90, 90)};

    /** Largest number of shapes per scene unless told otherwise (what the shipped model was trained on). */
    public static final int DEFAULT_MAX_SHAPES = 3;

    private final int size;
    private final int maxShapes;
    private final Map<Phrasings.Task, List<String>> phrasings;
    private final SplittableRandom rnd;
    private final long seed;
    private double sameKind;
    private double fillers;
    private SplittableRandom fillerRnd;

    /**
     * A generator of scenes with up to {@link #DEFAULT_MAX_SHAPES} shapes.
     *
     * @param size image side in pixels, at least 24
     * @param phrasings {@link Phrasings#TRAIN} or {@link Phrasings#TEST}
     * @param seed random seed
     * @throws IllegalArgumentException when {@code size} is below 24
     */
    public WorldGenerator(int size, Map<Phrasings.Task, List<String>> phrasings, long seed) {
        this(size, DEFAULT_MAX_SHAPES, phrasings, seed);
    }

    /**
     * A generator of scenes with up to {@code maxShapes} shapes.
     *
     * @param size image side in pixels, at least 24
     * @param maxShapes most shapes per scene, at least 1 (scenes draw 1..maxShapes; a crowded canvas may hold fewer)
     * @param phrasings {@link Phrasings#TRAIN} or {@link Phrasings#TEST}
     * @param seed random seed
     * @throws IllegalArgumentException when {@code size} is below 24 or {@code maxShapes} below 1
     */
    public WorldGenerator(int size, int maxShapes, Map<Phrasings.Task, List<String>> phrasings, long seed) {
        if (size < 24) {
            throw new IllegalArgumentException("image size must be at least 24 px, got " + size);
        }
        if (maxShapes < 1) {
            throw new IllegalArgumentException("maxShapes must be at least 1, got " + maxShapes);
        }
        this.size = size;
        this.maxShapes = maxShapes;
        this.phrasings = phrasings;
        this.rnd = new SplittableRandom(seed);
        this.seed = seed;
    }

    /**
     * Makes each shape after a scene's first take the first one's kind with probability {@code p} (0, the default,
     * leaves the world as the shipped model's evaluation sees it, sample for sample). Scenes with several circles,
     * say, can only be answered by the colour (or size) the instruction names, so a training mix with such distractors
     * rewards reading those words instead of guessing the object from its kind alone.
     *
     * @param p the probability, in [0, 1]
     * @return this generator
     * @throws IllegalArgumentException when {@code p} is outside [0, 1]
     */
    public WorldGenerator sameKindDistractors(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("same-kind probability must be in [0, 1], got " + p);
        }
        this.sameKind = p;
        return this;
    }

    /**
     * Adds a filler word ({@link Phrasings#withFiller}) to each instruction with probability {@code p}. The fillers
     * are drawn from a random stream of their own, so scenes, tasks and phrasings stay sample for sample those of the
     * same seed without fillers; 0, the default, adds none.
     *
     * @param p the probability, in [0, 1]
     * @return this generator
     * @throws IllegalArgumentException when {@code p} is outside [0, 1]
     */
    public WorldGenerator fillers(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("filler probability must be in [0, 1], got " + p);
        }
        this.fillers = p;
        this.fillerRnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        return this;
    }

    /**
     * The image side.
     *
     * @return the side in pixels
     */
    public int size() {
        return size;
    }

    /**
     * Draws the next sample: a scene and a task, drawn again when the task does not fit the scene.
     *
     * @return the sample
     */
    public Sample next() {
        while (true) {
            Scene scene = scene();
            Phrasings.Task task = Phrasings.Task.values()[rnd.nextInt(Phrasings.Task.values().length)];
            Optional<Sample> s = sample(scene, task);
            if (s.isPresent()) {
                return s.get();
            }
        }
    }

    /**
     * Draws samples.
     *
     * @param n how many
     * @return {@code n} samples, as {@code n} calls of {@link #next()} would draw them
     */
    public List<Sample> next(int n) {
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    Scene scene() {
        int count = 1 + rnd.nextInt(maxShapes);
        List<Shape> shapes = new ArrayList<>();
        int attempts = 0;
        while (shapes.size() < count && attempts++ < 200) {
            boolean large = rnd.nextBoolean();
            double r = size * (large ? 0.16 + 0.04 * rnd.nextDouble() : 0.09 + 0.03 * rnd.nextDouble());
            double cx = r + 1 + rnd.nextDouble() * (size - 2 * r - 2);
            double cy = r + 1 + rnd.nextDouble() * (size - 2 * r - 2);
            ShapeKind kind = ShapeKind.values()[rnd.nextInt(3)];
            // no extra draw at probability 0, so the default world stays sample-for-sample the same
            if (sameKind > 0 && !shapes.isEmpty() && rnd.nextDouble() < sameKind) {
                kind = shapes.get(0).kind();
            }
            Shape s = new Shape(kind, Palette.values()[rnd.nextInt(6)], cx, cy, r, large);
            boolean clear = true;
            for (Shape o : shapes) {
                double d = Math.hypot(o.cx() - cx, o.cy() - cy);
                clear &= d > (o.radius() + r) * 1.45 + 2;
                clear &= !(o.kind() == s.kind() && o.colour() == s.colour() && o.large() == s.large());
            }
            if (clear) {
                shapes.add(s);
            }
        }
        Color bg = BACKGROUNDS[rnd.nextInt(BACKGROUNDS.length)];
        return new Scene(size, bg, rnd.nextInt(3), rnd.nextLong(), shapes);
    }

    /** A referring expression that picks exactly {@code s} among the scene's shapes. */
    static String refer(Scene scene, Shape s) {
        long sameName = scene.shapes().stream().filter(o -> o.kind() == s.kind() && o.colour() == s.colour()).count();
        if (sameName == 1) {
            return s.name();
        }
        return (s.large() ? "large " : "small ") + s.name();
    }

    private String phrase(Phrasings.Task task) {
        List<String> list = phrasings.get(task);
        String phrase = list.get(rnd.nextInt(list.size()));
        return fillers > 0 ? Phrasings.withFiller(phrase, fillers, fillerRnd) : phrase;
    }

    /**
     * The bin a coordinate falls in, of 1000 across the image.
     *
     * @param v the coordinate in pixels
     * @param size the image side in pixels
     * @return {@code floor(v / size * 1000)}, clamped to 0..999
     */
    public static int bin(double v, int size) {
        return (int) Math.max(0, Math.min(999, Math.floor(v / size * 1000)));
    }

    /**
     * The protocol tokens of a pixel box.
     *
     * @param b the box in pixels
     * @param size the image side in pixels
     * @return {@code <box>x1,y1,x2,y2</box>} with each coordinate as its {@link #bin}
     */
    public static String boxTokens(Box b, int size) {
        return "<box>" + bin(b.x1(), size) + "," + bin(b.y1(), size) + "," + bin(b.x2(), size) + ","
                + bin(b.y2(), size) + "</box>";
    }

    Optional<Sample> sample(Scene scene, Phrasings.Task task) {
        List<Shape> shapes = scene.shapes();
        Shape target = shapes.get(rnd.nextInt(shapes.size()));
        String ref = refer(scene, target);
        Box box = target.box(size, size);
        return switch (task) {
            case SEGMENT -> Optional.of(new Sample(scene, task, phrase(task).replace("{r}", ref),
                    "<task_seg>" + ref + "</task>" + boxTokens(box, size), List.of(box),
                    Optional.of(scene.mask(target)), Optional.empty()));
            case DETECT -> {
                ShapeKind kind = target.kind();
                List<Box> boxes = new ArrayList<>();
                StringBuilder answer = new StringBuilder("<task_det>" + kind.word() + "</task>");
                for (Shape s : shapes) {
                    if (s.kind() == kind) {
                        Box b = s.box(size, size);
                        boxes.add(b);
                        answer.append(boxTokens(b, size));
                    }
                }
                yield Optional.of(new Sample(scene, task, phrase(task).replace("{k}", kind.plural())
                        .replace("{s}", kind.word()), answer.toString(), boxes, Optional.empty(), Optional.empty()));
            }
            case RECOLOUR -> {
                Palette to = Palette.values()[rnd.nextInt(6)];
                if (to == target.colour()) {
                    yield Optional.empty();
                }
                yield Optional.of(new Sample(scene, task, phrase(task).replace("{r}", ref).replace("{c}", to.word()),
                        "<task_edit>" + to.word() + "</task>" + boxTokens(box, size), List.of(box),
                        Optional.of(scene.mask(target)), Optional.of(scene.render(null, target, to))));
            }
            case REMOVE -> Optional.of(new Sample(scene, task, phrase(task).replace("{r}", ref),
                    "<task_edit>remove</task>" + boxTokens(box, size), List.of(box), Optional.of(scene.mask(target)),
                    Optional.of(scene.render(target, null, null))));
            case COUNT -> Optional.of(new Sample(scene, task, phrase(task), Integer.toString(shapes.size()),
                    List.of(), Optional.empty(), Optional.empty()));
            case COLOUR_OF -> {
                long n = shapes.stream().filter(s -> s.kind() == target.kind()).count();
                if (n != 1) {
                    yield Optional.empty();
                }
                yield Optional.of(new Sample(scene, task, phrase(task).replace("{s}", target.kind().word()),
                        target.colour().word(), List.of(), Optional.empty(), Optional.empty()));
            }
            case EXISTS -> {
                ShapeKind kind = ShapeKind.values()[rnd.nextInt(3)];
                boolean yes = shapes.stream().anyMatch(s -> s.kind() == kind);
                yield Optional.of(new Sample(scene, task, phrase(task).replace("{s}", kind.word()), yes ? "yes" : "no",
                        List.of(), Optional.empty(), Optional.empty()));
            }
        };
    }
}
