package io.unimllm.core.safetensors;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lives: its file and the absolute byte range inside it.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions (empty for a scalar)
 * @param file the safetensors file holding it
 * @param fileOffset absolute offset of the first byte in {@code file}
 * @param byteLength number of bytes (= elements x dtype size)
 */
public record TensorInfo(String name, TensorDType dtype, long[] shape, Path file, long fileOffset, long byteLength) {
    /**
     * Defensive copy of the shape.
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions (empty for a scalar)
     * @param file the safetensors file holding it
     * @param fileOffset absolute offset of the first byte in {@code file}
     * @param byteLength number of bytes (= elements x dtype size)
     */
    public TensorInfo {
        shape = shape.clone();
    }

    /**
     * The dimensions.
     *
     * @return a copy of the shape (empty for a scalar)
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements.
     *
     * @return the product of the dimensions (1 for a scalar)
     */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Equal when every component is, comparing shapes by content.
     *
     * @param o the object to compare with
     * @return true for a {@code TensorInfo} with the same components
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && file.equals(t.file) && fileOffset == t.fileOffset && byteLength == t.byteLength;
    }

    /**
     * A hash of the name and the shape's content, consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    /**
     * For logs and error messages.
     *
     * @return name, dtype, shape, file name and offset
     */
    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + file.getFileName() + "+" + fileOffset;
    }
}
