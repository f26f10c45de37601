package io.unimllm.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unimllm.core.config.LlavaConfig;
import io.unimllm.core.config.TextConfig;
import io.unimllm.core.config.VisionConfig;
import io.unimllm.core.safetensors.SafetensorsCheckpoint;
import io.unimllm.core.safetensors.TensorInfo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints a checkpoint's configuration, tensors and task vocabulary without loading it onto a device. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's config, tensors (name, dtype, shape) and task vocabulary.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "checkpoint directory")
    Path dir;

    @Option(names = "--tensors", defaultValue = "40", description = "tensors to list (-1: all; default ${DEFAULT-VALUE})")
    int maxTensors;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        LlavaConfig c = LlavaConfig.load(dir);
        TextConfig t = c.text();
        out.printf(Locale.ROOT, "checkpoint %s%n", dir.toAbsolutePath());
        out.printf(Locale.ROOT, "decoder: llama, hidden %d, layers %d, heads %d (kv %d, head dim %d), ffn %d, vocab %d, "
                + "context %d, rope theta %.0f, tied lm_head %s, act %s%n", t.hiddenSize(), t.numHiddenLayers(),
                t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), t.intermediateSize(), t.vocabSize(),
                t.maxPositionEmbeddings(), t.ropeTheta(), t.tieWordEmbeddings(), t.hiddenAct());
        if (c.hasVision()) {
            VisionConfig v = c.vision();
            out.printf(Locale.ROOT, "vision: CLIP ViT %dpx / patch %d, hidden %d, layers %d, heads %d, act %s; feature "
                    + "layer %d (%s) -> %d image tokens per image (token id %d); projector act %s%n", v.imageSize(),
                    v.patchSize(), v.hiddenSize(), v.numHiddenLayers(), v.numAttentionHeads(), v.hiddenAct(),
                    c.visionFeatureLayer(), c.visionFeatureSelectStrategy(), c.imageSeqLength(), c.imageTokenIndex(),
                    c.projectorHiddenAct());
        } else {
            out.println("vision: none (text-only checkpoint)");
        }
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            long params = 0;
            long bytes = 0;
            for (String n : ckpt.tensorNames()) {
                TensorInfo i = ckpt.info(n);
                params += i.elementCount();
                bytes += i.byteLength();
            }
            out.printf(Locale.ROOT, "weights: %d tensors, %.2fM parameters, %.1f MB in %d file(s)%n",
                    ckpt.tensorNames().size(), params / 1e6, bytes / 1e6, ckpt.files().size());
            int shown = 0;
            for (String n : ckpt.tensorNames()) {
                if (maxTensors >= 0 && shown++ >= maxTensors) {
                    out.printf("  ... %d more (--tensors -1 lists all)%n", ckpt.tensorNames().size() - maxTensors);
                    break;
                }
                TensorInfo i = ckpt.info(n);
                out.printf(Locale.ROOT, "  %-70s %-4s %s%n", n, i.dtype(), Arrays.toString(i.shape()));
            }
        }
        Path manifest = dir.resolve("unimllm.json");
        if (Files.isRegularFile(manifest)) {
            JsonNode root = new ObjectMapper().readTree(manifest.toFile());
            out.println("task vocabulary (unimllm.json):");
            JsonNode tasks = root.path("tasks");
            JsonNode routes = root.path("routes");
            for (Iterator<Map.Entry<String, JsonNode>> it = tasks.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                out.printf("  %-14s -> task %-10s -> experts %s%n", e.getKey(), e.getValue().asText(),
                        routes.path(e.getValue().asText()));
            }
            out.printf("grounding codec: %s, chat template: %s%n", root.path("codec").asText("unimllm"),
                    root.path("chat_template").asText("llava-v1"));
        } else {
            out.println("no unimllm.json: plain checkpoint (no task vocabulary)");
        }
        return 0;
    }
}
