package io.unimllm.training.world.synth;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A square image of non-overlapping shapes on a background. Rendering is exact (no anti-aliasing): a pixel has a
 * shape's colour exactly when the shape's {@link Shape#mask mask} is set there, else the background's colour.
 *
 * @param size image side in pixels
 * @param background the background
 * @param shapes the shapes, pairwise non-overlapping
 */
public record Scene(int size, Background background, List<Shape> shapes) {
    public Scene {
        if (size < 8) {
            throw new IllegalArgumentException("scene size must be at least 8 px: " + size);
        }
        Objects.requireNonNull(background, "background");
        shapes = List.copyOf(shapes);
    }

    /** Renders the scene as a {@link BufferedImage#TYPE_INT_RGB} image. */
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, colorAt(x, y));
            }
        }
        return image;
    }

    private int colorAt(int x, int y) {
        for (Shape s : shapes) {
            if (s.covers(x, y)) {
                return s.color().rgb();
            }
        }
        return background.rgbAt(x, y, size);
    }

    /** The exact mask of shape {@code index}. */
    public Mask mask(int index) {
        return shape(index).mask(size);
    }

    /** The tight half-open pixel box of shape {@code index}. */
    public Box box(int index) {
        return shape(index).box(size);
    }

    /** Shape {@code index}, with a clear message when out of range. */
    public Shape shape(int index) {
        if (index < 0 || index >= shapes.size()) {
            throw new IllegalArgumentException("scene has " + shapes.size() + " shapes, no index " + index);
        }
        return shapes.get(index);
    }

    /** This scene with shape {@code index} recoloured. */
    public Scene withColor(int index, ShapeColor color) {
        List<Shape> copy = new ArrayList<>(shapes);
        copy.set(index, shape(index).withColor(color));
        return new Scene(size, background, copy);
    }

    /** This scene without shape {@code index}; the background shows where it was. */
    public Scene without(int index) {
        shape(index);
        List<Shape> copy = new ArrayList<>(shapes);
        copy.remove(index);
        return new Scene(size, background, copy);
    }

    /** Number of shapes of the given kind. */
    public int count(ShapeKind kind) {
        return (int) shapes.stream().filter(s -> s.kind() == kind).count();
    }
}
