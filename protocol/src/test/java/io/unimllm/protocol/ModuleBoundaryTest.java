package io.unimllm.protocol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The protocol module is pure Java: nothing of DJL, of native code or of unimllm's other modules is on its path. */
class ModuleBoundaryTest {

    @Test
    void noDjlNorAnotherUnimllmModuleIsOnTheClassPath() {
        for (String name : new String[] {"ai.djl.ndarray.NDArray", "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer",
            "io.unimllm.tokenizer.UnimllmTokenizer", "io.unimllm.core.model.LlavaModel", "io.unimllm.router.TaskRouter"}) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
