package io.unimllm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unimllm.Response;
import io.unimllm.ResponseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one request's server-sent events: {@code chat.completion.chunk}s whose {@code delta.content} is the
 * answer's text as it is decoded, chunks whose {@code delta.unimllm} reports a task as soon as it is parsed and when
 * its expert finishes, a last chunk with the finish reason and the whole extension object, an optional usage chunk,
 * then {@code data: [DONE]}.
 */
final class StreamWriter {
    private final OutputStream out;
    private final String id;
    private final long created;
    private final String model;

    StreamWriter(OutputStream out, String id, long created, String model) {
        this.out = out;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    void event(ResponseEvent event) throws IOException {
        ObjectNode chunk = ChatJson.chunk(id, created, model);
        ObjectNode delta = ChatJson.delta(chunk);
        if (event instanceof ResponseEvent.TextDelta t) {
            if (t.text().isEmpty()) {
                return;
            }
            delta.put("content", t.text());
        } else if (event instanceof ResponseEvent.TaskParsed p) {
            ObjectNode ext = delta.putObject("unimllm");
            ext.put("event", "task_parsed");
            ext.set("task", ResultJson.call(p.index(), p.task()));
        } else if (event instanceof ResponseEvent.FreeGroundingDecoded g) {
            ObjectNode ext = delta.putObject("unimllm");
            ext.put("event", "region");
            ext.set("region", ResultJson.grounding(g.grounding()));
        } else if (event instanceof ResponseEvent.TaskFinished f) {
            ObjectNode ext = delta.putObject("unimllm");
            ext.put("event", "task_finished");
            ext.put("index", f.index());
            ext.set("task", ResultJson.task(f.result(), false));
        } else {
            return; // GroundingDecoded is part of task_parsed; Done is written by last()
        }
        data(chunk);
    }

    /** The chunk with the finish reason and the whole extension object. */
    void last(Response r, ObjectNode extension) throws IOException {
        ObjectNode chunk = ChatJson.chunk(id, created, model);
        ObjectNode ext = ChatJson.delta(chunk).putObject("unimllm");
        ext.put("event", "done");
        ext.setAll(extension);
        ChatJson.finish(chunk, r.finishReason());
        data(chunk);
    }

    void usage(int promptTokens, int completionTokens) throws IOException {
        data(ChatJson.usageChunk(id, created, model, promptTokens, completionTokens));
    }

    void error(ApiException e) throws IOException {
        data(ChatJson.error(e));
    }

    void data(ObjectNode node) throws IOException {
        out.write(("data: " + ChatJson.write(node) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }
}
