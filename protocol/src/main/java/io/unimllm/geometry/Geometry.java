package io.unimllm.geometry;

/** A region or location in the pixel space of the original image; see the package doc for the convention. */
public sealed interface Geometry permits Box, Point, Polygon, SegmentationCodes {}
