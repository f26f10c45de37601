/** Drawing results (masks, boxes, points, polygons) on a copy of the image, for the CLI and for people to look at. */
package io.unimllm.render;
