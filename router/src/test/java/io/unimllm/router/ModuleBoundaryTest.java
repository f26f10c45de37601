package io.unimllm.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** An expert author needs the router and the protocol only: no tokenizer, no model, no DJL native library. */
class ModuleBoundaryTest {

    @Test
    void neitherTheTokenizerNorTheModelNorDjlIsOnTheClassPath() {
        for (String name : new String[] {"io.unimllm.tokenizer.UnimllmTokenizer", "io.unimllm.core.model.LlavaModel",
            "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "ai.djl.ndarray.NDArray"}) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
