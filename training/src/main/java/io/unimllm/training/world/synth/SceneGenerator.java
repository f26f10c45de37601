package io.unimllm.training.world.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Draws random {@link Scene}s: 1..{@code maxShapes} non-overlapping shapes on a solid, gradient or noise background. */
public final class SceneGenerator {
    private static final int PLACEMENT_TRIES = 200;
    private final int size;
    private final int maxShapes;

    /**
     * @param size image side in pixels, at least 24
     * @param maxShapes most shapes per scene, 1..4
     */
    public SceneGenerator(int size, int maxShapes) {
        if (size < 24) {
            throw new IllegalArgumentException("image size must be at least 24 px, got " + size);
        }
        if (maxShapes < 1 || maxShapes > 4) {
            throw new IllegalArgumentException("maxShapes must be in 1..4, got " + maxShapes);
        }
        this.size = size;
        this.maxShapes = maxShapes;
    }

    /** Draws one scene; the result depends only on the state of {@code random}. */
    public Scene next(SplittableRandom random) {
        Background background = background(random);
        int wanted = 1 + random.nextInt(maxShapes);
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < wanted; i++) {
            Shape s = place(random, shapes);
            if (s == null) {
                break; // the canvas is full: fewer shapes is fine
            }
            shapes.add(s);
        }
        return new Scene(size, background, shapes);
    }

    private Shape place(SplittableRandom random, List<Shape> placed) {
        ShapeKind kind = pick(random, ShapeKind.values());
        ShapeColor color = pick(random, ShapeColor.values());
        ShapeSize shapeSize = pick(random, ShapeSize.values());
        double r = shapeSize.halfExtent(size);
        int lo = (int) Math.ceil(r) + 1;
        int hi = size - lo;
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            double cx = lo + random.nextInt(hi - lo + 1);
            double cy = lo + random.nextInt(hi - lo + 1);
            Shape candidate = new Shape(kind, color, shapeSize, cx, cy, r);
            if (placed.stream().noneMatch(p -> p.overlaps(candidate, 2))) {
                return candidate;
            }
        }
        return null;
    }

    private Background background(SplittableRandom random) {
        int[] palette = Background.PALETTE;
        int a = palette[random.nextInt(palette.length)];
        return switch (random.nextInt(3)) {
            case 0 -> new Background.Solid(a);
            case 1 -> {
                int b = palette[random.nextInt(palette.length)];
                yield new Background.Gradient(a, b, random.nextBoolean());
            }
            default -> new Background.Noise(a, 6 + random.nextInt(12), random.nextLong());
        };
    }

    private static <T> T pick(SplittableRandom random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
