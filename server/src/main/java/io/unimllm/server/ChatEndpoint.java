package io.unimllm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.unimllm.AskRequest;
import io.unimllm.Response;
import io.unimllm.ResponseEvent;
import io.unimllm.ResponseListener;
import io.unimllm.UnifiedMllm;
import io.unimllm.core.generate.GenerationConfig;
import io.unimllm.protocol.UnimllmException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}. The handler thread waits for its request; the runtime's generation thread only
 * hands events to the request's queue (never blocking on the network), so a slow client slows only its own stream.
 */
final class ChatEndpoint implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoint.class);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final UnifiedMllm mllm;
    private final ServerConfig config;
    private final ChatRequestParser parser;
    private final Counters counters;

    ChatEndpoint(UnifiedMllm mllm, ServerConfig config, Counters counters) {
        this.mllm = mllm;
        this.config = config;
        this.counters = counters;
        this.parser = new ChatRequestParser(config, mllm.tokenizer(), mllm.generation().stopTokens(),
                mllm.model().hasVision());
    }

    /** The end of a request: its response or what it failed with. */
    private record Finished(Response response, Throwable error) {
    }

    @Override
    public void handle(Context ctx) throws IOException {
        counters.received();
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        Counters.Outcome outcome = Counters.Outcome.FAILED;
        try {
            byte[] body;
            try {
                body = BodyReader.read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(),
                        config.maxBodyBytes());
            } catch (IOException e) {
                outcome = Counters.Outcome.DISCONNECTED; // the client stopped sending its body
                LOG.debug("request body not received: {}", e.toString());
                return;
            }
            ChatRequest req = parser.parse(body);
            int promptTokens = promptTokens(req);
            checkContext(req, promptTokens);
            outcome = req.stream() ? stream(ctx, req, promptTokens, deadline) : complete(ctx, req, promptTokens,
                    deadline);
        } catch (ApiException e) {
            outcome = Errors.outcome(e);
            writeError(ctx, e);
        } finally {
            counters.ended(outcome);
        }
    }

    private Counters.Outcome complete(Context ctx, ChatRequest req, int promptTokens, long deadline) {
        CompletableFuture<Response> future = submit(req, null);
        Response r;
        try {
            r = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw Errors.timeout(config.requestTimeout());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(503, Errors.SERVER, null, "server_closing", "the server is shutting down");
        } catch (ExecutionException | RuntimeException e) {
            throw failure(e);
        }
        ObjectNode json = ChatJson.completion(id(), created(), config.modelId(), r, promptTokens,
                ResultJson.of(r, req.notes(), req.maskPng()));
        ctx.status(200).contentType("application/json").result(ChatJson.write(json));
        return Counters.Outcome.COMPLETED;
    }

    private Counters.Outcome stream(Context ctx, ChatRequest req, int promptTokens, long deadline)
            throws IOException {
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ResponseListener listener = events::offer; // unbounded: the generation thread never waits for the client
        CompletableFuture<Response> future = submit(req, listener);
        future.whenComplete((r, t) -> events.offer(new Finished(r, t)));
        // The status is sent with the first event, so a request the runtime rejects before it runs gets its own.
        Object first;
        try {
            first = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(503, Errors.SERVER, null, "server_closing", "the server is shutting down");
        }
        if (first == null) {
            future.cancel(true);
            throw Errors.timeout(config.requestTimeout());
        }
        if (first instanceof Finished f && f.error() != null) {
            throw failure(f.error());
        }
        String id = id();
        long created = created();
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        OutputStream out = res.getOutputStream();
        StreamWriter writer = new StreamWriter(out, id, created, config.modelId());
        try {
            ObjectNode role = ChatJson.chunk(id, created, config.modelId());
            ChatJson.delta(role).put("role", "assistant").put("content", "");
            writer.data(role);
            List<Object> batch = new ArrayList<>();
            batch.add(first);
            long heartbeat = config.heartbeat().toNanos();
            while (true) {
                for (Object item : batch) {
                    if (item instanceof Finished f) {
                        return finish(writer, f, req, promptTokens);
                    }
                    writer.event((ResponseEvent) item);
                }
                batch.clear();
                out.flush();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    future.cancel(true);
                    writer.error(Errors.timeout(config.requestTimeout()));
                    out.write(DONE);
                    out.flush();
                    return Counters.Outcome.TIMED_OUT;
                }
                Object next = events.poll(Math.min(left, heartbeat), TimeUnit.NANOSECONDS);
                if (next == null) {
                    out.write(HEARTBEAT);
                    continue;
                }
                batch.add(next);
                events.drainTo(batch);
            }
        } catch (IOException e) {
            // the client went away: stop its generation at the next decode step
            future.cancel(true);
            LOG.debug("stream {} cancelled: the client disconnected ({})", id, e.toString());
            return Counters.Outcome.DISCONNECTED;
        } catch (InterruptedException e) {
            future.cancel(true); // the server is stopping
            Thread.currentThread().interrupt();
            return Counters.Outcome.REJECTED;
        }
    }

    private Counters.Outcome finish(StreamWriter writer, Finished f, ChatRequest req, int promptTokens)
            throws IOException {
        Counters.Outcome outcome;
        if (f.error() != null) {
            ApiException e = failure(f.error());
            writer.error(e);
            outcome = Errors.outcome(e);
        } else {
            Response r = f.response();
            writer.last(r, ResultJson.of(r, req.notes(), req.maskPng()));
            if (req.includeUsage()) {
                writer.usage(promptTokens, r.tokens().length);
            }
            outcome = Counters.Outcome.COMPLETED;
        }
        writer.raw(DONE);
        writer.flush();
        return outcome;
    }

    private CompletableFuture<Response> submit(ChatRequest req, ResponseListener listener) {
        try {
            return mllm.submit(new AskRequest(req.image(), req.instruction(), req.generation(), listener));
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    private ApiException failure(Throwable t) {
        ApiException e = Errors.of(t);
        if (e.status() >= 500 && e.status() != 503) {
            LOG.error("chat completion failed", Errors.unwrap(t));
        }
        return e;
    }

    /** The positions the prompt takes, image included, as the runtime will build it. */
    private int promptTokens(ChatRequest req) {
        try {
            boolean image = req.image() != null;
            String prompt = mllm.manifest().template().prompt(req.instruction(),
                    image ? mllm.manifest().imageToken() : null);
            int[] ids = mllm.tokenizer().encode(prompt, true);
            return mllm.model().promptPositions(ids, image ? 1 : 0);
        } catch (UnimllmException e) {
            throw Errors.of(e);
        }
    }

    /** A prompt and a token budget that do not fit the model's context are refused before they are queued. */
    private void checkContext(ChatRequest req, int promptTokens) {
        int context = mllm.model().config().text().maxPositionEmbeddings();
        Integer asked = req.generation() != null && req.generation().explicitSettings()
                .contains(GenerationConfig.Setting.MAX_NEW_TOKENS) ? req.generation().maxNewTokens() : null;
        if (promptTokens >= context) {
            throw ApiException.invalid("messages", "context_length_exceeded", "this model's context is " + context
                    + " tokens and the prompt takes " + promptTokens + " (image included); shorten the message");
        }
        if (asked != null && promptTokens + asked > context) {
            throw ApiException.invalid("max_tokens", "context_length_exceeded", "this model's context is " + context
                    + " tokens; the prompt takes " + promptTokens + " (image included) and max_tokens asks for "
                    + asked + ", " + (promptTokens + asked) + " in all; ask for at most " + (context - promptTokens));
        }
    }

    static void writeError(Context ctx, ApiException e) {
        if (e.status() == 429 || e.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(e.status()).contentType("application/json").result(ChatJson.write(ChatJson.error(e)));
    }

    private static String id() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long created() {
        return System.currentTimeMillis() / 1000;
    }
}
