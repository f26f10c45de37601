package io.unimllm.shapes.world;

import io.unimllm.geometry.Mask;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A rendered scene: background and shapes, with exact masks.
 *
 * @param size side of the square image in pixels
 * @param background background colour (base of the gradient / noise)
 * @param style 0 solid, 1 gradient, 2 noise
 * @param noiseSeed seed of the noise texture
 * @param shapes the shapes, drawn in order
 */
public record Scene(int size, Color background, int style, long noiseSeed, List<Shape> shapes) {
    /**
     * Copies the shapes.
     *
     * @param size side of the square image in pixels
     * @param background background colour
     * @param style 0 solid, 1 gradient, 2 noise
     * @param noiseSeed seed of the noise texture
     * @param shapes the shapes, drawn in order
     */
    public Scene {
        shapes = List.copyOf(shapes);
    }

    /**
     * Renders the scene, or the scene after an edit.
     *
     * @param skip a shape to leave out, as an edit that removes it would, or null
     * @param recolour a shape to draw in {@code to} instead of its colour, or null
     * @param to the colour of {@code recolour} (unused when that is null)
     * @return a new RGB image of {@code size} pixels square
     */
    public BufferedImage render(Shape skip, Shape recolour, Palette to) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        java.util.SplittableRandom noise = new java.util.SplittableRandom(noiseSeed);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, backgroundAt(x, y, noise));
            }
        }
        for (Shape s : shapes) {
            if (s == skip) {
                continue;
            }
            int rgb = (s == recolour ? to.colour() : s.colour().colour()).getRGB();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (s.contains(x, y)) {
                        img.setRGB(x, y, rgb);
                    }
                }
            }
        }
        return img;
    }

    /**
     * Renders the scene as it is.
     *
     * @return a new RGB image of {@code size} pixels square
     */
    public BufferedImage render() {
        return render(null, null, null);
    }

    private int backgroundAt(int x, int y, java.util.SplittableRandom noise) {
        int r = background.getRed();
        int g = background.getGreen();
        int b = background.getBlue();
        double f = switch (style) {
            case 1 -> 0.75 + 0.25 * (x + y) / (2.0 * size);
            case 2 -> 0.9 + 0.1 * noise.nextDouble();
            default -> 1.0;
        };
        return new Color(clamp(r * f), clamp(g * f), clamp(b * f)).getRGB();
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * Exact mask of one shape: the pixels it owns and no later shape covers.
     *
     * @param shape one of the scene's shapes
     * @return the mask, of the image's size
     */
    public Mask mask(Shape shape) {
        boolean[] bits = new boolean[size * size];
        int idx = shapes.indexOf(shape);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean in = shape.contains(x, y);
                for (int j = idx + 1; in && j < shapes.size(); j++) {
                    in = !shapes.get(j).contains(x, y);
                }
                bits[y * size + x] = in;
            }
        }
        return new Mask(size, size, bits);
    }
}
