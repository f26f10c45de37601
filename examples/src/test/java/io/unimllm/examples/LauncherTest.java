package io.unimllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as people use it: each case runs {@code bin/unimllm}, the script {@code mvn package} assembles, as a separate
 * process from the repository root (the tests run before lib/ is assembled, so the script gets the build's class path
 * through {@code UNIMLLM_CLASSPATH}; everything else is as a user runs it). Errors are one line on stderr with exit
 * code 2 (usage) or 1 (failure), {@code --debug} adds the stack trace, and nothing draws progress bars when stderr is
 * not a terminal.
 */
class LauncherTest {
    private static final Path ROOT = Path.of(System.getProperty("unimllm.root", "..")).toAbsolutePath().normalize();
    private static final String IMAGE = "docs/images/two-circles.png";

    /** What one run of the launcher left: its exit code, stdout and stderr. */
    private record Run(int exitCode, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private static Run unimllm(Path workingDir, Path scratch, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Objects.requireNonNull(System.getProperty("unimllm.launcher"),
                "unimllm.launcher is not set: run the test through Maven, which copies the script and sets it"));
        command.addAll(List.of(args));
        File out = scratch.resolve("stdout.txt").toFile();
        File err = scratch.resolve("stderr.txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile()).redirectOutput(out)
                .redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("UNIMLLM_CLASSPATH", System.getProperty("unimllm.launcher.classpath"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        env.remove("UNIMLLM_OPTS");
        Process p = pb.start();
        // a guard against a hung process, not a measure of speed
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("unimllm " + String.join(" ", args) + " did not exit");
        }
        return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    @Test
    void misspelledOptionNamesItselfAndSuggestsTheCloseOne(@TempDir Path scratch) throws Exception {
        Run r = unimllm(ROOT, scratch, "ask", "--imgae", IMAGE, "segment the red circle");

        assertThat(r.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(r.stderrLines()).singleElement().asString()
                .startsWith("unimllm ask: error: ")
                .contains("unknown option '--imgae'", "did you mean '--image'");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void missingImageFileIsOneLineNamingTheFile(@TempDir Path scratch) throws Exception {
        Run r = unimllm(ROOT, scratch, "ask", "--image", "docs/images/no-such-image.png", "segment the red circle");

        assertThat(r.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(r.stderrLines()).singleElement().asString()
                .isEqualTo("unimllm ask: error: image file not found: docs/images/no-such-image.png");
    }

    @Test
    void optionValueOfTheWrongTypeIsAUsageErrorNamingOptionAndValue(@TempDir Path scratch) throws Exception {
        Run r = unimllm(ROOT, scratch, "ask", "--image", IMAGE, "--max-tokens", "lots", "segment the red circle");

        assertThat(r.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(r.stderrLines()).singleElement().asString().contains("'--max-tokens'", "'lots'");
    }

    @Test
    void debugFlagAddsTheStackTraceOfTheError(@TempDir Path scratch) throws Exception {
        Run r = unimllm(ROOT, scratch, "--debug", "ask", "--image", "docs/images/no-such-image.png", "segment");

        assertThat(r.exitCode()).isEqualTo(ErrorReporter.FAILURE);
        assertThat(r.stderrLines().get(0))
                .isEqualTo("unimllm ask: error: image file not found: docs/images/no-such-image.png");
        assertThat(r.stderr()).contains("io.unimllm.core.ImageException: image file not found",
                "\tat io.unimllm.core.image.ImagePreprocessor.decode(");
    }

    @Test
    void jsonFormatOnTheShippedModelSegmentsTheNamedCircleWithoutProgressBars(@TempDir Path scratch)
            throws Exception {
        Path out = scratch.resolve("out");
        Run r = unimllm(ROOT, scratch, "ask", "--format", "json", "--device", "cpu", "--max-tokens", "64",
                "--temperature", "0", "--seed", "7", "--out", out.toString(), "--image", IMAGE,
                "segment the red circle");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json.path("instruction").asText()).isEqualTo("segment the red circle");
        JsonNode task = json.path("tasks").path(0);
        assertThat(task.path("type").asText()).isEqualTo("segment");
        assertThat(task.path("status").asText()).isEqualTo("OK");
        assertThat(task.path("masks")).isNotEmpty();
        assertThat(Path.of(json.path("overlay_image").asText())).isRegularFile();
        // stderr is a file here, not a terminal: no bars, and this instruction leaves nothing to warn about
        assertThat(r.stderr()).doesNotContain("loading [", "\r", "warning:");
    }

    @Test
    void textFormatPrintsTheAnswerAndStderrWarnsOfTheWordsTheTokenizerDoesNotKnow(@TempDir Path scratch)
            throws Exception {
        Path out = scratch.resolve("out");
        Run r = unimllm(ROOT, scratch, "--progress", "ask", "--format", "text", "--out", out.toString(), "--image",
                IMAGE, "segment the red circle qzxjv");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).last().asString()
                .isEqualTo("overlay " + out.resolve("two-circles-overlay.png"));
        assertThat(r.stderrLines()).anySatisfy(line -> assertThat(line).startsWith("warning: ").contains("qzxjv"));
        // asked for, the bar is drawn although stderr is not a terminal
        assertThat(r.stderr()).contains("loading [##############################]");
    }

    @Test
    void trainRefusesToReplaceADirectoryThatHoldsAModel(@TempDir Path scratch) throws Exception {
        // the default --out, models/shapes-tiny, resolved in a working directory that holds a stand-in for it
        Path shipped = Files.createDirectories(scratch.resolve("models/shapes-tiny"));
        Path weights = Files.writeString(shipped.resolve("model.safetensors"), "the shipped weights");

        Run r = unimllm(scratch, scratch, "train", "--steps", "1", "--minutes", "1");

        assertThat(r.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(r.stderrLines()).singleElement().asString()
                .contains("models/shapes-tiny already holds a model (model.safetensors)", "--overwrite");
        assertThat(r.stdout()).doesNotContain("initialised");
        assertThat(Files.readString(weights)).isEqualTo("the shipped weights");
        try (var files = Files.list(shipped)) {
            assertThat(files).containsExactly(weights);
        }
    }
}
