package io.unimllm.core.safetensors;

import java.util.Locale;
import java.util.Optional;

/** Element types of the safetensors format that unimllm reads and writes. */
public enum TensorDType {
    /** 64-bit IEEE float. */
    F64(8),
    /** 32-bit IEEE float. */
    F32(4),
    /** 16-bit IEEE half-precision float. */
    F16(2),
    /** 16-bit brain float (the upper half of an F32). */
    BF16(2),
    /** 64-bit signed integer. */
    I64(8),
    /** 32-bit signed integer. */
    I32(4),
    /** 16-bit signed integer. */
    I16(2),
    /** 8-bit signed integer. */
    I8(1),
    /** 8-bit unsigned integer. */
    U8(1),
    /** Boolean, one byte per element. */
    BOOL(1);

    private final int byteSize;

    TensorDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Bytes per element.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Whether this is a floating-point type.
     *
     * @return true for F64, F32, F16 and BF16
     */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * Parses a safetensors dtype string ("F32", "BF16", ...), ignoring case.
     *
     * @param text the {@code dtype} of a header entry
     * @return the type, or empty for types unimllm does not know
     */
    public static Optional<TensorDType> parse(String text) {
        try {
            return Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
