package io.unimllm.training.world.synth;

/**
 * A scene's background, deterministic per pixel so that removing a shape can restore exactly what lay beneath it.
 */
public sealed interface Background {

    /** Muted colours that backgrounds are drawn from; none is close to a {@link ShapeColor}. */
    int[] PALETTE = {0xEBEBEB, 0xC8C8C8, 0x5A5A5A, 0xE1D7C3, 0xB4BEC8, 0x282828, 0xD2DCD2};

    /** The background colour {@code 0xRRGGBB} at pixel {@code (x, y)} of a {@code size x size} image. */
    int rgbAt(int x, int y, int size);

    /** A single colour. */
    record Solid(int rgb) implements Background {
        @Override
        public int rgbAt(int x, int y, int size) {
            return rgb;
        }
    }

    /** A linear blend from {@code from} to {@code to}, left-to-right or top-to-bottom. */
    record Gradient(int from, int to, boolean horizontal) implements Background {
        @Override
        public int rgbAt(int x, int y, int size) {
            double t = size <= 1 ? 0 : (horizontal ? x : y) / (double) (size - 1);
            return Colors.lerp(from, to, t);
        }
    }

    /** A base colour with per-pixel value noise of up to {@code amplitude} levels, hashed from {@code seed}. */
    record Noise(int base, int amplitude, long seed) implements Background {
        @Override
        public int rgbAt(int x, int y, int size) {
            long h = seed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL);
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            int delta = (int) Math.floorMod(h, 2L * amplitude + 1) - amplitude;
            return Colors.add(base, delta);
        }
    }
}
