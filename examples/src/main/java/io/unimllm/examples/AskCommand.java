package io.unimllm.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.core.model.LoadOptions;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.protocol.ParseWarning;
import io.unimllm.render.Overlay;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * One image + one instruction -> the answer on stdout (JSON, or text with {@code --format text}), an overlay PNG, and
 * the edited image when there is one; the response's warnings (unknown words, repaired output) go to stderr.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Ask the model about an image; prints the answer (JSON or text), writes an overlay PNG (and "
                + "edited images).")
public final class AskCommand implements Callable<Integer> {
    /** Where the model runs. */
    enum DeviceChoice {
        /** GPU 0 when PyTorch sees one, else the CPU. */
        AUTO,
        /** The CPU. */
        CPU,
        /** GPU 0; an error when PyTorch sees none. */
        GPU;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What goes to stdout. */
    enum Format {
        /** The whole response as one JSON object. */
        JSON,
        /** The answer's text and one line per task. */
        TEXT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Reads {@code --device} in any case, naming the choices in lower case when the value is none of them. */
    static final class DeviceConverter implements ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            return choice(DeviceChoice.values(), value);
        }
    }

    /** Reads {@code --format} in any case, naming the choices in lower case when the value is none of them. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return choice(Format.values(), value);
        }
    }

    private static <E extends Enum<E>> E choice(E[] values, String value) {
        for (E e : values) {
            if (e.toString().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        throw new TypeConversionException("'" + value + "' is not one of " + String.join(", ",
                Arrays.stream(values).map(Object::toString).toList()));
    }

    @Option(names = "--model", defaultValue = "models/shapes-tiny", description = "checkpoint directory (default ${DEFAULT-VALUE})")
    Path model;

    @Option(names = "--image", required = true, description = "image file (PNG, JPEG, ...)")
    Path image;

    @Parameters(index = "0", description = "the instruction, e.g. \"segment the red circle\"")
    String instruction;

    @Option(names = "--out", defaultValue = "out", description = "directory for overlay and edited images (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--stream", description = "print the answer's tokens to stderr as they are generated")
    boolean stream;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|gpu|auto", converter = DeviceConverter.class,
            description = "where the model runs: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: a GPU when "
                    + "PyTorch sees one)")
    DeviceChoice device;

    @Option(names = "--max-tokens", paramLabel = "N", description = "the most tokens the answer may have "
            + "(default: the checkpoint's generation setting)")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature, 0 for greedy "
            + "(default: greedy, or the checkpoint's setting)")
    Double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "random seed of sampling (with --temperature above 0)")
    Long seed;

    @Option(names = "--format", defaultValue = "json", paramLabel = "text|json", converter = FormatConverter.class,
            description = "what goes to stdout: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Format format;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        GenerationConfig generation = generation();
        BufferedImage img = ImagePreprocessor.decode(image);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandFailedException("--out " + out + " is a file, not a directory");
        }
        long t0 = System.nanoTime();
        UnifiedMllm.Builder builder = UnifiedMllm.builder(model).loadOptions(loadOptions());
        if (generation != null) {
            builder.generation(generation);
        }
        try (UnifiedMllm mllm = builder.build()) {
            if (main.progress()) {
                err.printf(" (%s, %d ms)%n", model, (System.nanoTime() - t0) / 1_000_000);
            }
            Response r = mllm.ask(img, instruction, stream ? err::print : null);
            if (stream) {
                err.println();
            }
            for (ParseWarning w : r.warnings()) {
                err.println("warning: " + warning(w));
            }
            Files.createDirectories(out);
            String stem = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            // small images (the shapes world is 48 px) are enlarged so the overlay stays readable
            int scale = Math.max(1, 384 / Math.max(img.getWidth(), img.getHeight()));
            Overlay overlay = new Overlay(img, scale);
            Map<Integer, String> edited = new LinkedHashMap<>();
            for (int i = 0; i < r.tasks().size(); i++) {
                TaskResult t = r.tasks().get(i);
                for (Grounding g : t.task().groundings()) {
                    String label = t.task().taskType() + (t.task().arguments().isBlank() ? ""
                            : ": " + t.task().arguments());
                    if (g.geometry() instanceof Box b) {
                        overlay.box(b, label);
                    } else if (g.geometry() instanceof Point p) {
                        overlay.point(p, label);
                    } else if (g.geometry() instanceof Polygon p) {
                        overlay.polygon(p, label);
                    }
                }
                if (t.result().isPresent()) {
                    for (ScoredMask m : t.result().get().masks()) {
                        overlay.mask(m.mask(), null);
                    }
                    for (Detection d : t.result().get().detections()) {
                        overlay.box(d.box(), d.label());
                    }
                    if (t.result().get().image().isPresent()) {
                        Path f = out.resolve(stem + "-edited-" + i + ".png");
                        ImageIO.write(t.result().get().image().get(), "png", f.toFile());
                        edited.put(i, f.toString());
                    }
                }
            }
            Path overlayFile = out.resolve(stem + "-overlay.png");
            ImageIO.write(overlay.image(), "png", overlayFile.toFile());
            if (format == Format.TEXT) {
                System.out.print(ResponseText.of(r, edited, overlayFile.toString()));
            } else {
                var json = ResponseJson.of(instruction, r, edited);
                json.put("overlay_image", overlayFile.toString());
                System.out.println(json.toPrettyString());
            }
        }
        return 0;
    }

    /** The generation settings given on the command line, null when none was (the runtime's defaults apply). */
    private GenerationConfig generation() {
        if (maxTokens == null && temperature == null && seed == null) {
            return null;
        }
        GenerationConfig.Builder g = GenerationConfig.builder();
        if (maxTokens != null) {
            if (maxTokens < 1) {
                throw invalid("--max-tokens", maxTokens, "at least 1");
            }
            g.maxNewTokens(maxTokens);
        }
        if (temperature != null) {
            if (!(temperature >= 0) || temperature.isInfinite()) {
                throw invalid("--temperature", temperature, "a finite number, 0 or more");
            }
            g.temperature(temperature);
        }
        if (seed != null) {
            g.seed(seed);
        }
        return g.build();
    }

    private LoadOptions loadOptions() {
        LoadOptions.Builder options = Progress.loading(main.progress());
        if (device == DeviceChoice.GPU) {
            if (Engine.getInstance().getGpuCount() == 0) {
                throw new CommandFailedException("--device gpu: PyTorch sees no GPU on this machine (a CLI built "
                        + "with the cpu-natives profile, the default, carries CPU natives only: build it with "
                        + "-P!cpu-natives to use a GPU)");
            }
            options.device(Device.gpu());
        } else if (device == DeviceChoice.CPU) {
            options.device(Device.cpu());
        }
        return options.build();
    }

    private ParameterException invalid(String option, Object value, String expected) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': '" + value + "' (expected " + expected + ")");
    }

    /** A response warning for stderr: its kind in words and its message (the JSON output has the positions). */
    static String warning(ParseWarning w) {
        return w.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + w.message();
    }
}
