package io.unimllm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.unimllm.core.Fixtures;
import io.unimllm.core.generate.Generator;
import io.unimllm.core.generate.Prompt;
import org.junit.jupiter.api.Test;

/** The decoder's plan is chosen at load, fixed for the model, and every plan computes the same numbers. */
class DecoderPlanTest {

    @Test
    void incompatibleChoicesAreRefused() {
        assertThatThrownBy(() -> new DecoderPlan(false, true, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs stackedProjections");
        assertThatThrownBy(() -> new DecoderPlan(true, false, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs scriptedDecode");
    }

    @Test
    void onlyTheTrainingPlanIsTrainable() {
        assertThat(DecoderPlan.training().trainable()).isTrue();
        assertThat(DecoderPlan.inference().trainable()).isFalse();
        assertThat(DecoderPlan.packedForBatches().trainable()).isFalse();
        assertThat(DecoderPlan.operationByOperation().trainable()).isFalse();
    }

    @Test
    void theLoadOptionsPlanIsTheDecodersAndAViewSharesTheWeights() {
        LoadOptions training = LoadOptions.builder().device(Device.cpu()).plan(DecoderPlan.training()).build();
        Prompt p = Prompt.text(new int[] {1, 17, 42, 7});
        try (LlavaModel model = LlavaModel.load(Fixtures.golden("tiny-llava"), training)) {
            assertThat(model.decoder().plan()).isEqualTo(DecoderPlan.training());
            float[] trained = new Generator(model).promptLogits(p);
            try (LlavaModel view = model.withPlan(DecoderPlan.inference())) {
                assertThat(view.decoder().plan()).isEqualTo(DecoderPlan.inference());
                assertThat(view.parameters()).isSameAs(model.parameters());
                float[] inferred = new Generator(view).promptLogits(p);
                for (int i = 0; i < trained.length; i++) {
                    assertThat(inferred[i]).isCloseTo(trained[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            assertThat(new Generator(model).promptLogits(p)).as("closing the view left the weights")
                    .containsExactly(trained);
        }
    }

    @Test
    void theDefaultLoadOptionsComputeInFp32OnTheCpu() {
        LoadOptions o = LoadOptions.builder().device(Device.cpu()).build();
        assertThat(o.dtype()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
        assertThat(o.plan()).isEqualTo(DecoderPlan.inference());
    }
}
