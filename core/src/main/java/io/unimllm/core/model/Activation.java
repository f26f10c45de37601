package io.unimllm.core.model;

import ai.djl.ndarray.NDArray;
import io.unimllm.protocol.UnimllmException;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The activation functions Hugging Face configs name, by their config spelling. */
public enum Activation implements UnaryOperator<NDArray> {
    /** {@code x * sigmoid(x)}. */
    SILU {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(x.getNDArrayInternal().sigmoid());
        }
    },
    /** Exact erf-based GELU. */
    GELU {
        @Override
        public NDArray apply(NDArray x) {
            return ai.djl.nn.Activation.gelu(x);
        }
    },
    /** The tanh approximation of GELU. */
    GELU_PYTORCH_TANH {
        @Override
        public NDArray apply(NDArray x) {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
            return x.mul(inner.tanh().add(1f)).mul(0.5f);
        }
    },
    /** CLIP's {@code x * sigmoid(1.702 x)}. */
    QUICK_GELU {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(x.mul(1.702f).getNDArrayInternal().sigmoid());
        }
    },
    /** {@code max(x, 0)}. */
    RELU {
        @Override
        public NDArray apply(NDArray x) {
            return x.getNDArrayInternal().relu();
        }
    };

    /**
     * Looks an activation up by its Hugging Face name ({@code silu}, {@code swish}, {@code gelu},
     * {@code gelu_pytorch_tanh}, {@code gelu_new}, {@code gelu_fast}, {@code quick_gelu}, {@code relu}), ignoring case.
     *
     * @param name the config's activation name
     * @return the activation; {@code gelu_new} and {@code gelu_fast} are the tanh approximation
     * @throws UnimllmException for a name this runtime does not implement
     */
    public static Activation byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "silu", "swish" -> SILU;
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> GELU_PYTORCH_TANH;
            case "quick_gelu" -> QUICK_GELU;
            case "relu" -> RELU;
            default -> throw new UnimllmException("unsupported activation '" + name + "'");
        };
    }
}
