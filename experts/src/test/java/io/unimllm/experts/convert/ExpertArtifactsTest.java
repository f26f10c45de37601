package io.unimllm.experts.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertArtifactsTest {
    @TempDir
    Path dir;

    @Test
    void aDirectPathOptionWinsOverTheCacheDirectory() {
        Map<String, String> options = Map.of("centernet.path", "/models/cn.pt", "experts.cache", "/cache");
        assertThat(ExpertArtifacts.locate(ExpertArtifact.CENTERNET, options)).isEqualTo(Path.of("/models/cn.pt"));
    }

    @Test
    void theCacheDirectoryHoldsTheVersionedFile() {
        assertThat(ExpertArtifacts.locate(ExpertArtifact.CENTERNET, Map.of("experts.cache", "/cache")))
                .isEqualTo(Path.of("/cache/centernet-3.3.6.pt"));
        assertThat(ExpertArtifacts.locate(ExpertArtifact.CENTERNET, Map.of()))
                .isEqualTo(ExpertArtifacts.defaultCacheDir().resolve("centernet-3.3.6.pt"));
    }

    @Test
    void requireNamesTheMissingPathAndHowToMakeIt() throws Exception {
        assertThatThrownBy(() -> ExpertArtifacts.require(ExpertArtifact.CENTERNET, Map.of("experts.cache",
                dir.toString())))
                .isInstanceOf(ExpertArtifactMissingException.class)
                .hasMessageContaining(dir.resolve("centernet-3.3.6.pt").toString())
                .hasMessageContaining("fetch-and-convert.sh centernet");
        Path file = Files.createFile(dir.resolve("centernet-3.3.6.pt"));
        assertThat(ExpertArtifacts.require(ExpertArtifact.CENTERNET, Map.of("experts.cache", dir.toString())))
                .isEqualTo(file);
    }

    @Test
    void ensureConvertedFailsClearlyWithoutTheScript() {
        assertThatThrownBy(() -> ExpertArtifacts.ensureConverted(ExpertArtifact.CENTERNET, dir, 10))
                .isInstanceOf(ExpertArtifactConversionException.class).hasMessageContaining("script not found");
    }
}
