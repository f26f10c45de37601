package io.unimllm.tokenizer.codec;

/** Quantisation of pixel coordinates into integer bins, shared by the codecs. */
final class Bins {
    private Bins() {
    }

    /** Bin of coordinate {@code v} in {@code [0, size)} with {@code bins} bins: floor(v / size * bins), clamped. */
    static int encode(double v, int size, int bins) {
        return (int) Math.max(0, Math.min(bins - 1, Math.floor(v / size * bins)));
    }

    /** Centre of bin {@code q} in pixels: (q + 0.5) * size / bins. */
    static double centre(int q, int size, int bins) {
        return (q + 0.5) * size / bins;
    }

    /** Parses a non-negative integer or returns -1. */
    static int parseInt(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.length() > 9) {
            return -1;
        }
        for (int i = 0; i < t.length(); i++) {
            if (!Character.isDigit(t.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(t);
    }
}
