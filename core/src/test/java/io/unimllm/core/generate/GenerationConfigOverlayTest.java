package io.unimllm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A configuration remembers what was set explicitly, {@code toBuilder()} copies it, and {@code overlay} lays one
 * configuration's explicit settings over another's: the runtime relies on it to keep its defaults (task hidden
 * states, stop ids) under a caller's temperature.
 */
class GenerationConfigOverlayTest {
    private static final GenerationConfig DEFAULTS = GenerationConfig.builder().maxNewTokens(64)
            .keepHiddenStatesOf(Set.of(7, 8)).stopTokens(Set.of(2)).build();

    @Test
    void onlyWhatWasSetIsExplicit() {
        GenerationConfig c = GenerationConfig.builder().temperature(0.5).build();
        assertThat(c.explicitSettings()).containsExactly(GenerationConfig.Setting.TEMPERATURE);
        assertThat(GenerationConfig.builder().build().explicitSettings()).isEmpty();
    }

    @Test
    void overlayTakesTheExplicitSettingsAndKeepsTheRest() {
        GenerationConfig mine = GenerationConfig.builder().temperature(0.8).topK(40).seed(3).build();
        GenerationConfig g = DEFAULTS.overlay(mine);
        assertThat(g.temperature()).isEqualTo(0.8);
        assertThat(g.topK()).isEqualTo(40);
        assertThat(g.seed()).isEqualTo(3);
        assertThat(g.maxNewTokens()).isEqualTo(64);
        assertThat(g.keepHiddenStatesOf()).containsExactlyInAnyOrder(7, 8);
        assertThat(g.stopTokens()).containsExactly(2);
        assertThat(g.topP()).isEqualTo(1.0);
    }

    @Test
    void aSettingSetExplicitlyToItsDefaultValueStillWins() {
        GenerationConfig g = DEFAULTS.overlay(GenerationConfig.builder().keepHiddenStatesOf(Set.of())
                .maxNewTokens(256).build());
        assertThat(g.keepHiddenStatesOf()).isEmpty();
        assertThat(g.maxNewTokens()).isEqualTo(256);
        assertThat(g.stopTokens()).containsExactly(2);
    }

    @Test
    void toBuilderCopiesValuesAndTheirExplicitness() {
        GenerationConfig copy = DEFAULTS.toBuilder().repetitionPenalty(1.2).build();
        assertThat(copy.maxNewTokens()).isEqualTo(64);
        assertThat(copy.keepHiddenStatesOf()).containsExactlyInAnyOrder(7, 8);
        assertThat(copy.repetitionPenalty()).isEqualTo(1.2);
        assertThat(copy.explicitSettings()).containsExactlyInAnyOrder(GenerationConfig.Setting.MAX_NEW_TOKENS,
                GenerationConfig.Setting.KEEP_HIDDEN_STATES_OF, GenerationConfig.Setting.STOP_TOKENS,
                GenerationConfig.Setting.REPETITION_PENALTY);
        assertThat(DEFAULTS.repetitionPenalty()).as("the original is unchanged").isEqualTo(1.0);
    }

    @Test
    void overlayingAnEmptyConfigurationChangesNothing() {
        GenerationConfig g = DEFAULTS.overlay(GenerationConfig.builder().build());
        assertThat(g.maxNewTokens()).isEqualTo(DEFAULTS.maxNewTokens());
        assertThat(g.keepHiddenStatesOf()).isEqualTo(DEFAULTS.keepHiddenStatesOf());
        assertThat(g.stopTokens()).isEqualTo(DEFAULTS.stopTokens());
        assertThat(g.temperature()).isEqualTo(DEFAULTS.temperature());
    }
}
