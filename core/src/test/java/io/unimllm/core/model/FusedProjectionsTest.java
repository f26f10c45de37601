package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.unimllm.core.Fixtures;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder stacks q/k/v and gate/up into one product each for inference; each projection's own weight is a view
 * into that storage. The stacked and per-projection paths must agree, stay in step when a weight changes in place
 * (training, LoRA merge), and a replaced projection must be honoured.
 */
class FusedProjectionsTest {
    private static final Prompt PROMPT = Prompt.text(new int[] {1, 17, 42, 7, 99, 3, 120, 11});
    private LlavaModel model;

    @BeforeEach
    void load() {
        model = LlavaModel.load(Fixtures.golden("tiny-llava"), LoadOptions.builder().device(Device.cpu()).build());
    }

    @AfterEach
    void close() {
        model.close();
    }

    /** Logits with the stacked products (the model's inference plan) or one product per projection (a view). */
    private float[] logits(boolean fused) {
        if (fused) {
            return new Generator(model).promptLogits(PROMPT);
        }
        try (LlavaModel separate = model.withPlan(DecoderPlan.training())) {
            return new Generator(separate).promptLogits(PROMPT);
        }
    }

    @Test
    void stackedAndPerProjectionProductsGiveTheSameLogits() {
        float[] fused = logits(true);
        float[] separate = logits(false);
        assertThat(fused).hasSize(separate.length);
        for (int i = 0; i < fused.length; i++) {
            assertThat(fused[i]).as("logit %d", i).isCloseTo(separate[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void projectionWeightsAreViewsOfTheStackedStorage() {
        float[] before = logits(true);
        NDArray q = model.parameters().get("language_model.model.layers.0.self_attn.q_proj.weight");
        NDArray up = model.parameters().get("language_model.model.layers.1.mlp.up_proj.weight");
        q.muli(1.5f);
        up.muli(-0.5f);
        float[] fused = logits(true);
        float[] separate = logits(false);
        assertThat(fused).isNotEqualTo(before);
        for (int i = 0; i < fused.length; i++) {
            assertThat(fused[i]).isCloseTo(separate[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void aReplacedProjectionIsUsedEvenWithStackedProductsOn() {
        float[] before = logits(true);
        model.decoder().replaceProjection(0, "self_attn.v_proj", v -> new Linear() {
            @Override
            public NDArray apply(NDArray x) {
                return v.apply(x).mul(0f);
            }

            @Override
            public NDArray weight() {
                return v.weight();
            }
        });
        float[] fused = logits(true);
        float[] separate = logits(false);
        assertThat(fused).isNotEqualTo(before).containsExactly(separate);
    }
}
