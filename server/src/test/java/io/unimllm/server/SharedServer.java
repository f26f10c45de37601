package io.unimllm.server;

import io.unimllm.UnifiedMllm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One runtime on the shipped model and one server over it, on an ephemeral loopback port, shared by every test
 * class of the module (closed when the whole run ends): small limits so that each can be passed on purpose.
 */
final class SharedServer implements ExtensionContext.Store.CloseableResource {
    static final Path ROOT = Path.of(System.getProperty("unimllm.root", ".."));
    static final Path SHIPPED = ROOT.resolve("models/shapes-tiny");
    static final String MODEL = "shapes-tiny";
    /** The runtime's batch and queue: a burst of more than their sum must see 429s. */
    static final int MAX_BATCH = 2;
    static final int MAX_QUEUED = 2;
    static final int MAX_TOKENS = 100;
    static final long MAX_BODY = 1 << 20;
    static final long MAX_PIXELS = 512 * 512;

    final UnifiedMllm mllm;
    final UnimllmServer server;

    private SharedServer() {
        mllm = UnifiedMllm.builder(SHIPPED).maxBatchSize(MAX_BATCH).maxQueued(MAX_QUEUED).build();
        try {
            server = UnimllmServer.start(mllm, ServerConfig.builder().port(0).modelId(MODEL)
                    .maxBodyBytes(MAX_BODY).maxImagePixels(MAX_PIXELS).maxCompletionTokens(MAX_TOKENS)
                    .requestTimeout(Duration.ofSeconds(60)).heartbeat(Duration.ofMillis(200)).build());
        } catch (RuntimeException e) {
            mllm.close();
            throw e;
        }
    }

    /** Gives test classes ({@code @ExtendWith(SharedServer.Resolver.class)}) the shared server as a parameter. */
    static final class Resolver implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        }
    }

    String baseUrl() {
        return server.baseUri().toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            mllm.close();
        }
    }

    static BufferedImage image(String name) {
        try {
            return ImageIO.read(Files.newInputStream(ROOT.resolve("docs/images").resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String base64Png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String dataUrl(BufferedImage img) {
        return "data:image/png;base64," + base64Png(img);
    }
}
