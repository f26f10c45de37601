package io.unimllm.experts.edit;

import io.unimllm.experts.region.ColourRegionSegmenter;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Mask;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertException;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import io.unimllm.router.spi.ScoredMask;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mask-guided editing: the object in each box is segmented ({@link ColourRegionSegmenter}), then either recoloured
 * (the target colour scaled by each pixel's brightness relative to the object's mean, so shading survives) or removed
 * (the hole, grown by one pixel, filled inward from its border by averaging known neighbours, layer by layer). Returns
 * the edited image, a new RGB copy (the request's image is left as it is), and the masks it used.
 *
 * <p>Serves task type {@code "edit"} and requires a box; what to do comes from {@link EditInstruction}, read from the
 * task's arguments, else from the instruction.
 */
public final class MaskEditor implements ExpertModel {
    /** Expert name used in routes. */
    public static final String NAME = "mask-editor";

    private final ColourRegionSegmenter segmenter;

    /** An editor with its own segmenter. */
    public MaskEditor() {
        this.segmenter = new ColourRegionSegmenter();
    }

    @Override
    public ExpertDescriptor describe() {
        return new ExpertDescriptor(NAME, Set.of("edit"), Set.of(InputKind.BOX, InputKind.TEXT),
                Set.of(InputKind.BOX), 10);
    }

    @Override
    public ExpertResult run(ExpertRequest request) throws ExpertException {
        EditInstruction edit = EditInstruction.parse(request.task().arguments(), request.instruction())
                .orElseThrow(() -> new ExpertException(NAME + " cannot tell what to do from '"
                        + request.task().arguments() + "' / '" + request.instruction()
                        + "': expected 'remove' or a colour"));
        BufferedImage img = copy(request.image());
        List<ScoredMask> masks = new ArrayList<>();
        for (Grounding g : request.task().groundings()) {
            if (!(g.geometry() instanceof Box box)) {
                continue;
            }
            ScoredMask m = segmenter.segment(img, box, null, request.task().arguments());
            masks.add(m);
            if (edit.remove()) {
                inpaint(img, dilate(m.mask()));
            } else {
                recolour(img, m.mask(), edit.colour().orElseThrow());
            }
        }
        if (masks.isEmpty()) {
            throw new ExpertException(NAME + " needs a box grounding to know where to edit");
        }
        return new ExpertResult(masks, List.of(), Optional.of(img), Optional.empty());
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(src, 0, 0, null);
        return out;
    }

    static void recolour(BufferedImage img, Mask mask, Color target) {
        double sum = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (mask.get(x, y)) {
                    sum += luma(img.getRGB(x, y));
                    n++;
                }
            }
        }
        double mean = n == 0 ? 1 : Math.max(1, sum / n);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (mask.get(x, y)) {
                    double f = Math.min(1.5, luma(img.getRGB(x, y)) / mean);
                    img.setRGB(x, y, new Color(c(target.getRed() * f), c(target.getGreen() * f),
                            c(target.getBlue() * f)).getRGB());
                }
            }
        }
    }

    private static int c(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static double luma(int rgb) {
        return 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
    }

    static Mask dilate(Mask m) {
        boolean[] out = new boolean[m.width() * m.height()];
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                boolean v = false;
                for (int dy = -1; dy <= 1 && !v; dy++) {
                    for (int dx = -1; dx <= 1 && !v; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        v = xx >= 0 && yy >= 0 && xx < m.width() && yy < m.height() && m.get(xx, yy);
                    }
                }
                out[y * m.width() + x] = v;
            }
        }
        return new Mask(m.width(), m.height(), out);
    }

    /** Fills the masked pixels from the outside in: each pass sets pixels that touch known ones to their mean. */
    static void inpaint(BufferedImage img, Mask mask) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] unknown = new boolean[w * h];
        int left = 0;
        for (int i = 0; i < unknown.length; i++) {
            unknown[i] = mask.get(i % w, i / w);
            left += unknown[i] ? 1 : 0;
        }
        while (left > 0) {
            List<int[]> fills = new ArrayList<>();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!unknown[y * w + x]) {
                        continue;
                    }
                    double r = 0;
                    double g = 0;
                    double b = 0;
                    int k = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx;
                            int yy = y + dy;
                            if ((dx != 0 || dy != 0) && xx >= 0 && yy >= 0 && xx < w && yy < h
                                    && !unknown[yy * w + xx]) {
                                int p = img.getRGB(xx, yy);
                                r += (p >> 16) & 0xff;
                                g += (p >> 8) & 0xff;
                                b += p & 0xff;
                                k++;
                            }
                        }
                    }
                    if (k > 0) {
                        fills.add(new int[] {x, y, new Color(c(r / k), c(g / k), c(b / k)).getRGB()});
                    }
                }
            }
            if (fills.isEmpty()) {
                break; // the whole image is masked: nothing to fill from
            }
            for (int[] f : fills) {
                img.setRGB(f[0], f[1], f[2]);
                unknown[f[1] * w + f[0]] = false;
                left--;
            }
        }
    }

    @Override
    public void close() {
        segmenter.close();
    }
}
