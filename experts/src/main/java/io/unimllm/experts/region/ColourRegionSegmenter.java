package io.unimllm.experts.region;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Box-, point- or box-and-point-prompted segmentation by colour clustering, computed with DJL NDArray ops: inside the
 * prompt region, pixels are split into object and background by 2-means in RGB, seeded with the region's border
 * (background) and the point (object; the region's centre without one); the mask is the connected object component
 * at that seed. No weights: a dependable
 * expert for flat-coloured objects (diagrams, UI, the project's synthetic world) and a baseline for photos.
 *
 * <p>Score: the normalised distance between the two cluster means (0: no contrast, 1: black vs white).
 */
public final class ColourRegionSegmenter implements ExpertModel {
    /** Expert name used in routes. */
    public static final String NAME = "colour-region-segmenter";
    private static final int ITERATIONS = 6;

    private final NDManager manager;

    /** A segmenter computing on DJL's default device. */
    public ColourRegionSegmenter() {
        this.manager = NDManager.newBaseManager();
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of("segment"), Set.of(InputKind.BOX, InputKind.POINT),
                Set.of(InputKind.BOX, InputKind.POINT), 10);
    }

    /**
     * One mask per box, and per point when the task has no box. Box and point are used together: a box is segmented
     * seeded at the first of the task's points that lies inside it (a positive click, e.g. the runtime's mask-prompt
     * head), else at its centre. When the task has boxes, a point inside none of them is a prompt that contradicts
     * them and is not used; with points only, each point is segmented in a window around it.
     */
    @Override
    public ExpertResult run(ExpertRequest request) throws ExpertException {
        BufferedImage img = request.image();
        List<Grounding> boxes = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<Grounding> pointGroundings = new ArrayList<>();
        for (Grounding g : request.task().groundings()) {
            if (g.geometry() instanceof Box) {
                boxes.add(g);
            } else if (g.geometry() instanceof Point p) {
                points.add(p);
                pointGroundings.add(g);
            }
        }
        List<ScoredMask> masks = new ArrayList<>();
        for (Grounding g : boxes) {
            Box box = (Box) g.geometry();
            Point seed = points.stream().filter(p -> inside(box, p)).findFirst().orElse(null);
            masks.add(segment(img, box, seed, g.label().orElse(request.task().arguments())));
        }
        if (boxes.isEmpty()) {
            for (Grounding g : pointGroundings) {
                Point p = (Point) g.geometry();
                double r = Math.max(img.getWidth(), img.getHeight()) / 6.0;
                Box window = new Box(Math.max(0, p.x() - r), Math.max(0, p.y() - r),
                        Math.min(img.getWidth(), p.x() + r), Math.min(img.getHeight(), p.y() + r));
                masks.add(segment(img, window, p, g.label().orElse(request.task().arguments())));
            }
        }
        if (masks.isEmpty()) {
            throw new ExpertException(NAME + " needs a box or a point grounding; the task has none");
        }
        return ExpertResult.ofMasks(masks);
    }

    private static boolean inside(Box box, Point p) {
        return p.x() >= box.x1() && p.x() < box.x2() && p.y() >= box.y1() && p.y() < box.y2();
    }

    /**
     * Segments the object inside a box.
     *
     * @param img the image
     * @param box the region to look in, in pixels of {@code img}; clipped to the image and widened to at least a pixel
     * @param seed a pixel of the object, or null for the box centre; clamped into the box
     * @param label the mask's label; null or blank gives {@code "object"}
     * @return a mask over the whole image, set only on the object component at the seed (the largest component when
     *     the seed falls on background), scored by the contrast of the two clusters
     */
    public ScoredMask segment(BufferedImage img, Box box, Point seed, String label) {
        int w = img.getWidth();
        int h = img.getHeight();
        int x0 = clamp((int) Math.floor(box.x1()), 0, w - 1);
        int y0 = clamp((int) Math.floor(box.y1()), 0, h - 1);
        int x1 = clamp((int) Math.ceil(box.x2()), x0 + 1, w);
        int y1 = clamp((int) Math.ceil(box.y2()), y0 + 1, h);
        int bw = x1 - x0;
        int bh = y1 - y0;
        float[] rgb = new float[bw * bh * 3];
        int[] px = img.getRGB(x0, y0, bw, bh, null, 0, bw);
        for (int i = 0; i < px.length; i++) {
            rgb[i * 3] = ((px[i] >> 16) & 0xff) / 255f;
            rgb[i * 3 + 1] = ((px[i] >> 8) & 0xff) / 255f;
            rgb[i * 3 + 2] = (px[i] & 0xff) / 255f;
        }
        int cx = seed == null ? bw / 2 : clamp((int) seed.x() - x0, 0, bw - 1);
        int cy = seed == null ? bh / 2 : clamp((int) seed.y() - y0, 0, bh - 1);
        boolean[] object;
        float contrast;
        try (NDManager m = manager.newSubManager()) {
            NDArray pixels = m.create(rgb, new Shape(bw * bh, 3));
            NDArray centroids = m.create(new float[] {
                mean(rgb, border(bw, bh), 0), mean(rgb, border(bw, bh), 1), mean(rgb, border(bw, bh), 2),
                mean(rgb, centre(bw, bh, cx, cy), 0), mean(rgb, centre(bw, bh, cx, cy), 1),
                mean(rgb, centre(bw, bh, cx, cy), 2)}, new Shape(2, 3));
            NDArray assign = null;
            for (int it = 0; it < ITERATIONS; it++) {
                // squared distances [N, 2] -> nearest centroid
                NDArray d = pixels.expandDims(1).sub(centroids.expandDims(0)).square().sum(new int[] {2});
                assign = d.argMin(1);
                NDArray isObj = assign.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(1);
                NDArray objCount = isObj.sum();
                NDArray bgCount = isObj.neg().add(1).sum();
                if (objCount.getFloat() == 0 || bgCount.getFloat() == 0) {
                    break;
                }
                NDArray objMean = pixels.mul(isObj).sum(new int[] {0}).div(objCount);
                NDArray bgMean = pixels.mul(isObj.neg().add(1)).sum(new int[] {0}).div(bgCount);
                centroids = bgMean.expandDims(0).concat(objMean.expandDims(0), 0);
            }
            long[] a = assign.toLongArray();
            object = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                object[i] = a[i] == 1;
            }
            float[] c = centroids.toFloatArray();
            double dist = Math.sqrt(sq(c[0] - c[3]) + sq(c[1] - c[4]) + sq(c[2] - c[5]));
            contrast = (float) Math.min(1.0, dist / Math.sqrt(3));
        }
        boolean[] component = component(object, bw, bh, cx, cy);
        boolean[] full = new boolean[w * h];
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                full[(y + y0) * w + x + x0] = component[y * bw + x];
            }
        }
        return new ScoredMask(new Mask(w, h, full), contrast, label == null || label.isBlank() ? "object" : label);
    }

    private static double sq(double v) {
        return v * v;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int[] border(int bw, int bh) {
        List<Integer> idx = new ArrayList<>();
        for (int x = 0; x < bw; x++) {
            idx.add(x);
            idx.add((bh - 1) * bw + x);
        }
        for (int y = 0; y < bh; y++) {
            idx.add(y * bw);
            idx.add(y * bw + bw - 1);
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] centre(int bw, int bh, int cx, int cy) {
        int rx = Math.max(0, bw / 8);
        int ry = Math.max(0, bh / 8);
        List<Integer> idx = new ArrayList<>();
        for (int y = Math.max(0, cy - ry); y <= Math.min(bh - 1, cy + ry); y++) {
            for (int x = Math.max(0, cx - rx); x <= Math.min(bw - 1, cx + rx); x++) {
                idx.add(y * bw + x);
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float mean(float[] rgb, int[] idx, int channel) {
        double s = 0;
        for (int i : idx) {
            s += rgb[i * 3 + channel];
        }
        return (float) (s / idx.length);
    }

    /** The 4-connected object component containing the seed, or the largest one when the seed is background. */
    private static boolean[] component(boolean[] obj, int w, int h, int sx, int sy) {
        int[] label = new int[obj.length];
        int best = -1;
        int bestSize = 0;
        int seedLabel = -1;
        int next = 1;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < obj.length; start++) {
            if (!obj[start] || label[start] != 0) {
                continue;
            }
            int size = 0;
            queue.add(start);
            label[start] = next;
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % w;
                int y = i / w;
                int[] nb = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
                for (int n : nb) {
                    if (n >= 0 && obj[n] && label[n] == 0) {
                        label[n] = next;
                        queue.add(n);
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = next;
            }
            next++;
        }
        if (obj[sy * w + sx]) {
            seedLabel = label[sy * w + sx];
        }
        int keep = seedLabel > 0 ? seedLabel : best;
        boolean[] out = new boolean[obj.length];
        for (int i = 0; i < obj.length; i++) {
            out[i] = keep > 0 && label[i] == keep;
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
