package io.unimllm.examples;

import io.unimllm.Response;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.image.ImagePreprocessor;
import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.geometry.Point;
import io.unimllm.geometry.Polygon;
import io.unimllm.render.Overlay;
import io.unimllm.router.TaskResult;
import io.unimllm.router.spi.Detection;
import io.unimllm.router.spi.ScoredMask;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** One image + one instruction -> JSON on stdout, an overlay PNG, and the edited image when there is one. */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Ask the model about an image; prints JSON, writes an overlay PNG (and edited images).")
public final class AskCommand implements Callable<Integer> {
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

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        BufferedImage img = ImagePreprocessor.decode(image);
        long t0 = System.nanoTime();
        try (UnifiedMllm mllm = UnifiedMllm.builder(model).loadOptions(Progress.loading()).build()) {
            err.printf(" (%s, %d ms)%n", model, (System.nanoTime() - t0) / 1_000_000);
            Response r = mllm.ask(img, instruction, stream ? err::print : null);
            if (stream) {
                err.println();
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
            var json = ResponseJson.of(instruction, r, edited);
            json.put("overlay_image", overlayFile.toString());
            System.out.println(json.toPrettyString());
        }
        return 0;
    }
}
