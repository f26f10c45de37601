package io.unimllm.core.config;

import io.unimllm.protocol.ConfigException;
import java.nio.file.Path;
import java.util.Set;

/** Activation names (Hugging Face spelling) the runtime implements. */
public final class Activations {
    /** Every accepted name. */
    public static final Set<String> KNOWN = Set.of("silu", "swish", "gelu", "gelu_pytorch_tanh", "gelu_new",
            "gelu_fast", "quick_gelu", "relu");

    private Activations() {
    }

    static String check(String name, String field, Path file) {
        if (!KNOWN.contains(name)) {
            throw new ConfigException(field + " is '" + name + "', which this runtime does not implement (known: "
                    + new java.util.TreeSet<>(KNOWN) + ")", file);
        }
        return name;
    }
}
