package io.unimllm.training;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The trainer is generic: it never reaches the runtime, the router, the experts or the shapes world. */
class ModuleBoundaryTest {

    @Test
    void theRuntimeTheRouterAndTheShapesWorldAreNotOnTheClassPath() {
        for (String name : new String[] {"io.unimllm.UnifiedMllm", "io.unimllm.router.TaskRouter",
            "io.unimllm.experts.BuiltinExpertsProvider", "io.unimllm.shapes.world.WorldGenerator"}) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
