/**
 * Geometry in the pixel space of the original image, shared by codecs, the router and experts.
 *
 * <p>Convention: coordinates are continuous, the origin is the top-left corner of the image, x grows to
 * the right and y downwards; pixel {@code (i, j)} covers the square {@code [i, i+1) x [j, j+1)}. A box
 * {@code (x1, y1, x2, y2)} therefore covers the half-open region {@code [x1, x2) x [y1, y2)}, and the box
 * of a whole {@code W x H} image is {@code (0, 0, W, H)}.
 */
package io.unimllm.geometry;
