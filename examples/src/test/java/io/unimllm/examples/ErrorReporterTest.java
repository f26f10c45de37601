package io.unimllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The error lines of the command line, in process (what {@link LauncherTest} checks through the launcher, for the
 * cases that need no separate JVM): misspelt commands and options of every level, file errors, untyped errors.
 */
class ErrorReporterTest {
    /** Exit code and stderr of one in-process execution. */
    private record Outcome(int exitCode, String stderr) {
    }

    private static Outcome execute(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Outcome(code, err.toString());
    }

    @Test
    void misspeltCommandSuggestsTheCloseOne() {
        Outcome o = execute("aks", "--image", "x.png", "segment");

        assertThat(o.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(o.stderr().lines()).singleElement().asString()
                .isEqualTo("unimllm: error: unknown command 'aks'; did you mean 'ask'? (see 'unimllm --help')");
    }

    @Test
    void misspeltOptionOfTheTopCommandPointsToItsHelp() {
        Outcome o = execute("--debgu", "inspect", "models/shapes-tiny");

        assertThat(o.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(o.stderr().lines()).singleElement().asString()
                .contains("unknown option '--debgu'", "did you mean '--debug'?", "(see 'unimllm --help')");
    }

    @Test
    void valueOutsideTheChoicesNamesThemInLowerCase() {
        Outcome o = execute("ask", "--image", "x.png", "--device", "tpu", "segment");

        assertThat(o.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(o.stderr()).contains("Invalid value for option '--device': 'tpu' is not one of auto, cpu, gpu");
    }

    @Test
    void trainResumeAlsoNeedsOverwriteToRewriteAModel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.safetensors"), "weights");

        Outcome o = execute("train", "--out", dir.toString(), "--resume");

        assertThat(o.exitCode()).isEqualTo(ErrorReporter.USAGE);
        assertThat(o.stderr()).contains("already holds a model (model.safetensors): --resume trains it further in "
                + "place; add --overwrite");
    }

    @Test
    void fileErrorsNameTheFileAndWhatIsWrongWithIt() {
        assertThat(ErrorReporter.describe(new UncheckedIOException(new NoSuchFileException("data/train.jsonl"))))
                .isEqualTo("data/train.jsonl: no such file or directory");
        assertThat(ErrorReporter.describe(new AccessDeniedException("out/overlay.png")))
                .isEqualTo("out/overlay.png: permission denied");
    }

    @Test
    void untypedErrorIsNamedByItsClassOnOneLine() {
        assertThat(ErrorReporter.describe(new IllegalStateException("first line\n  second line")))
                .isEqualTo("java.lang.IllegalStateException: first line second line");
    }

    @Test
    void suggestionsAreTheNamesWithinTwoEditsNearestFirst() {
        assertThat(ErrorReporter.closest("--max-tokne", List.of("--model", "--max-tokens", "--max-token")))
                .containsExactly("'--max-token'", "'--max-tokens'");
        assertThat(ErrorReporter.closest("--zzz", List.of("--model", "--out"))).isEmpty();
    }
}
