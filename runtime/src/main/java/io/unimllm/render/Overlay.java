package io.unimllm.render;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws results on a copy of an image: translucent masks, box outlines with labels, points and polygons. Colours cycle
 * through a fixed palette so that the n-th result always has the same colour.
 */
public final class Overlay {
    private static final Color[] PALETTE = {new Color(255, 64, 64), new Color(64, 160, 255), new Color(64, 220, 96),
        new Color(255, 200, 40), new Color(200, 80, 255), new Color(255, 128, 0), new Color(0, 220, 220)};

    private final BufferedImage canvas;
    private final Graphics2D g;
    private final int scale;
    private int next;

    /**
     * Starts an overlay on a copy of {@code image}.
     *
     * @param image the image to draw on (not changed)
     */
    public Overlay(BufferedImage image) {
        this(image, 1);
    }

    /**
     * Starts an overlay on a copy of {@code image} enlarged {@code scale} times (nearest neighbour), so that results
     * on small images stay readable; geometry is given in the original image's pixels.
     *
     * @param image the image to draw on (not changed)
     * @param scale the enlargement, at least 1
     */
    public Overlay(BufferedImage image, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        }
        this.scale = scale;
        canvas = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
        g = canvas.createGraphics();
        g.drawImage(image, 0, 0, image.getWidth() * scale, image.getHeight() * scale, null);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int size = Math.max(10, Math.min(image.getWidth(), image.getHeight()) / 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        g.setStroke(new BasicStroke(Math.max(1f, Math.min(image.getWidth(), image.getHeight()) / 200f)));
    }

    private Color colour() {
        return PALETTE[next++ % PALETTE.length];
    }

    /**
     * Blends a mask at 45% opacity.
     *
     * @param mask the mask, in the original image's pixels
     * @param label a label drawn at the mask's top-left corner, or null
     * @return this overlay
     */
    public Overlay mask(Mask mask, String label) {
        Color c = colour();
        int w = Math.min(mask.width() * scale, canvas.getWidth());
        int h = Math.min(mask.height() * scale, canvas.getHeight());
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask.get(x / scale, y / scale)) {
                    int p = canvas.getRGB(x, y);
                    int r = (int) (((p >> 16) & 0xff) * 0.55 + c.getRed() * 0.45);
                    int gg = (int) (((p >> 8) & 0xff) * 0.55 + c.getGreen() * 0.45);
                    int b = (int) ((p & 0xff) * 0.55 + c.getBlue() * 0.45);
                    canvas.setRGB(x, y, (r << 16) | (gg << 8) | b);
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                }
            }
        }
        if (label != null && minX != Integer.MAX_VALUE) {
            g.setColor(c);
            g.drawString(label, minX, Math.max(g.getFont().getSize(), minY - 2));
        }
        return this;
    }

    /**
     * Outlines a box with an optional label.
     *
     * @param box the box, in the original image's pixels
     * @param label a label drawn above the box, or null or blank for none
     * @return this overlay
     */
    public Overlay box(Box box, String label) {
        Color c = colour();
        g.setColor(c);
        g.drawRect((int) (box.x1() * scale), (int) (box.y1() * scale), (int) Math.max(1, box.width() * scale),
                (int) Math.max(1, box.height() * scale));
        if (label != null && !label.isBlank()) {
            g.drawString(label, (int) (box.x1() * scale) + 2,
                    (int) Math.max(g.getFont().getSize(), box.y1() * scale - 2));
        }
        return this;
    }

    /**
     * Marks a point.
     *
     * @param p the point, in the original image's pixels
     * @param label a label drawn beside it, or null
     * @return this overlay
     */
    public Overlay point(Point p, String label) {
        g.setColor(colour());
        int r = Math.max(3, canvas.getWidth() / 100);
        int px = (int) (p.x() * scale);
        int py = (int) (p.y() * scale);
        g.fillOval(px - r, py - r, 2 * r, 2 * r);
        if (label != null) {
            g.drawString(label, px + r + 1, py);
        }
        return this;
    }

    /**
     * Outlines a polygon.
     *
     * @param poly the polygon, in the original image's pixels
     * @param label a label drawn at its first vertex, or null
     * @return this overlay
     */
    public Overlay polygon(Polygon poly, String label) {
        g.setColor(colour());
        int n = poly.vertices().size();
        int[] xs = new int[n];
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (int) (poly.vertices().get(i).x() * scale);
            ys[i] = (int) (poly.vertices().get(i).y() * scale);
        }
        g.drawPolygon(xs, ys, n);
        if (label != null) {
            g.drawString(label, xs[0], ys[0]);
        }
        return this;
    }

    /**
     * The finished image; the overlay stays usable.
     *
     * @return the canvas drawn on so far
     */
    public BufferedImage image() {
        return canvas;
    }
}
