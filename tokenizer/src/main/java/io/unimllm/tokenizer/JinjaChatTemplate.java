package io.unimllm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.beans.FeatureDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * A checkpoint's own Hugging Face Jinja {@code chat_template}, rendered by Jinjava (HubSpot's Jinja engine for the
 * JVM). The messages are passed as Hugging Face passes them: {@code role} and {@code content}; a turn with images,
 * or every turn when the template reads parts' {@code type}, gets its content as a list of parts, one
 * {@code {"type": "image"}} per image followed by {@code {"type": "text", "text": ...}}. The variables
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token} and the
 * function {@code raise_exception(message)} are defined as in {@code transformers}.
 *
 * <p>User text stays literal: the template is rendered with a unique placeholder for each content, and the output is
 * split at the placeholders into the template's markup and the contents' literal text. The Python string methods
 * that templates call ({@code strip}, {@code lstrip}, {@code rstrip}, {@code startswith}, {@code endswith},
 * {@code split}, {@code upper}, {@code lower}, {@code title}, {@code replace}) work on strings and on contents, on
 * a content's real text; {@code x[::-1]} is read as {@code x|reverse}; {@code {% generation %}} blocks render their
 * body. The template is also rendered with the contents themselves, and the two outputs must agree: where the
 * template looks into a content in a way a placeholder cannot follow (the {@code in} test, a string method on text
 * joined with a content), rendering fails with a {@link TokenizerException} instead of splitting wrongly.
 *
 * @param source the Jinja template text
 * @param specialTokens the special-token variables ({@code bos_token}, ...) with their strings
 */
public record JinjaChatTemplate(String source, Map<String, String> specialTokens) implements ChatTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char OPEN = '\uE000';
    private static final char CLOSE = '\uE001';
    private static final List<String> SPECIAL = List.of("bos_token", "eos_token", "unk_token", "pad_token");

    /**
     * Validates the fields.
     *
     * @param source the Jinja template text
     * @param specialTokens the special-token variables with their strings
     */
    public JinjaChatTemplate {
        Objects.requireNonNull(source, "source");
        specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * The chat template a checkpoint ships: {@code chat_template.jinja}, else the {@code chat_template} of
     * {@code chat_template.json}, else that of {@code tokenizer_config.json} (a string, or the template named
     * {@code default} of the list form), with the special tokens of {@code tokenizer_config.json}.
     *
     * @param checkpointDir the folder holding the tokenizer files
     * @return the template, or empty if the checkpoint ships none
     * @throws TokenizerException if one of those files cannot be read or parsed
     */
    public static Optional<JinjaChatTemplate> fromCheckpoint(Path checkpointDir) {
        JsonNode config = readJson(checkpointDir.resolve("tokenizer_config.json"));
        Map<String, String> special = new LinkedHashMap<>();
        for (String name : SPECIAL) {
            JsonNode n = config.path(name);
            String value = n.isTextual() ? n.asText() : n.path("content").isTextual() ? n.path("content").asText()
                    : null;
            if (value != null) {
                special.put(name, value);
            }
        }
        Path jinja = checkpointDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            try {
                return Optional.of(new JinjaChatTemplate(Files.readString(jinja, StandardCharsets.UTF_8), special));
            } catch (IOException e) {
                throw new TokenizerException("cannot read " + jinja + ": " + e.getMessage(), e);
            }
        }
        Optional<String> source = templateOf(readJson(checkpointDir.resolve("chat_template.json")));
        if (source.isEmpty()) {
            source = templateOf(config);
        }
        return source.map(s -> new JinjaChatTemplate(s, special));
    }

    private static Optional<String> templateOf(JsonNode cfg) {
        JsonNode n = cfg.path("chat_template");
        if (n.isTextual()) {
            return Optional.of(n.asText());
        }
        for (JsonNode named : n) {
            if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                return Optional.of(named.path("template").asText());
            }
        }
        return Optional.empty();
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The function {@code raise_exception} of Hugging Face templates.
     *
     * @param message the template's message
     * @return never returns
     * @throws TokenizerException always, with the template's message
     */
    public static Object raiseException(String message) {
        throw new TokenizerException("chat template raised: " + message);
    }

    @Override
    public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one turn");
        }
        List<String> contents = new ArrayList<>();
        PromptText prompt = split(render(context(turns, addGenerationPrompt, t -> new Content(t, contents))),
                contents);
        String reference = render(context(turns, addGenerationPrompt, t -> t));
        if (!prompt.text().equals(reference)) {
            int at = 0;
            while (at < reference.length() && at < prompt.text().length()
                    && reference.charAt(at) == prompt.text().charAt(at)) {
                at++;
            }
            throw new TokenizerException("chat template inspects message contents in a way that cannot keep them "
                    + "literal (an 'in' test, or a string method on text joined with a content): its output differs "
                    + "from the one with placeholders at character " + at + " of " + reference.length()
                    + "; use a hand-written ChatTemplate for this conversation");
        }
        return prompt;
    }

    private Map<String, Object> context(List<ChatTurn> turns, boolean addGenerationPrompt,
            Function<String, Object> content) {
        boolean parts = source.contains("'type'") || source.contains("\"type\"") || source.contains(".type");
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ChatTurn t : turns) {
            Map<String, Object> m = new HashMap<>();
            m.put("role", t.role().name().toLowerCase(Locale.ROOT));
            Object text = content.apply(t.content());
            if (parts || !t.images().isEmpty()) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (int i = 0; i < t.images().size(); i++) {
                    list.add(Map.of("type", "image"));
                }
                list.add(Map.of("type", "text", "text", text));
                m.put("content", list);
            } else {
                m.put("content", text);
            }
            messages.add(m);
        }
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        return context;
    }

    private String render(Map<String, Object> context) {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withElResolver(new PythonStrings()).build());
        jinjava.getGlobalContext().registerTag(new GenerationTag());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaChatTemplate.class, "raiseException", String.class));
        RenderResult result;
        try {
            result = jinjava.renderForResult(jinjavaSource(source), context);
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof TokenizerException te) {
                    throw te;
                }
            }
            throw new TokenizerException("chat template failed: " + e.getMessage(), e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                Throwable c = error.getException();
                for (; c != null; c = c.getCause()) {
                    if (c instanceof TokenizerException te) {
                        throw te;
                    }
                }
                String message = error.getMessage();
                int raised = message == null ? -1 : message.indexOf("chat template raised: ");
                if (raised >= 0) {
                    throw new TokenizerException(message.substring(raised));
                }
                throw new TokenizerException("chat template failed at line " + error.getLineno() + ": " + message);
            }
        }
        return result.getOutput();
    }

    /**
     * Rewrites the Jinja constructs Jinjava reads otherwise than Python's Jinja: {@code x[::-1]} becomes
     * {@code x|reverse}; the whitespace control of expressions (a dash inside the braces) is applied to the
     * source, as Jinjava applies it to statements only; and each keyword argument of {@code namespace(...)} is
     * parenthesised, since Jinjava would read {@code namespace(n=messages|length - 1)} as
     * {@code (n=messages|length) - 1}.
     */
    static String jinjavaSource(String template) {
        String s = template.replace("[::-1]", "|reverse").replaceAll("\\s*\\{\\{-", "{{")
                .replaceAll("-}}\\s*", "}}");
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int i = s.indexOf("namespace("); i >= 0; i = s.indexOf("namespace(", at)) {
            int open = i + "namespace(".length();
            out.append(s, at, open);
            int depth = 0;
            int argStart = open;
            int end = open;
            for (; end < s.length(); end++) {
                char c = s.charAt(end);
                if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                    depth--;
                } else if ((c == ',' || c == ')') && depth == 0) {
                    out.append(keywordInParens(s.substring(argStart, end))).append(c);
                    argStart = end + 1;
                    if (c == ')') {
                        break;
                    }
                }
            }
            at = Math.min(end + 1, s.length());
            if (end >= s.length()) {
                out.append(s, argStart, s.length());
            }
        }
        return out.append(s.substring(at)).toString();
    }

    private static String keywordInParens(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || arg.startsWith("=", eq + 1) || !arg.substring(0, eq).strip().matches("[A-Za-z_]\\w*")) {
            return arg;
        }
        return arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1) + ")";
    }

    private static PromptText split(String output, List<String> contents) {
        PromptText.Builder p = PromptText.builder();
        int at = 0;
        while (at < output.length()) {
            int open = output.indexOf(OPEN, at);
            if (open < 0) {
                p.markup(output.substring(at));
                break;
            }
            int close = output.indexOf(CLOSE, open);
            if (close < 0) {
                throw new TokenizerException("chat template output holds a broken content placeholder");
            }
            if (open > at) {
                p.markup(output.substring(at, open));
            }
            String text = contents.get(Integer.parseInt(output.substring(open + 1, close)));
            if (!text.isEmpty()) {
                p.literal(text);
            }
            at = close + 1;
        }
        return p.build();
    }

    @Override
    public String name() {
        return "jinja";
    }

    @Override
    public boolean rendersBos() {
        return source.contains("bos_token");
    }

    /** A message content as the template sees it: renders as its placeholder; string methods see the text. */
    private static final class Content {
        private final String text;
        private final List<String> registry;
        private final String placeholder;

        Content(String text, List<String> registry) {
            this.text = text;
            this.registry = registry;
            this.placeholder = OPEN + Integer.toString(registry.size()) + CLOSE;
            registry.add(text);
        }

        /** Wraps a string method's result: strings derived from the content stay contents. */
        Object wrap(Object result) {
            if (result instanceof String str) {
                return new Content(str, registry);
            }
            if (result instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object o : list) {
                    out.add(wrap(o));
                }
                return out;
            }
            return result;
        }

        @Override
        public String toString() {
            return placeholder;
        }
    }

    /** Python's {@code str} methods on strings and contents, then Jinjava's own resolution. */
    private static final class PythonStrings extends ELResolver {
        private final ELResolver delegate = JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY;

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
                Object[] params) {
            String text = base instanceof Content c ? c.text : base instanceof String str ? str : null;
            if (text != null && method instanceof String name) {
                Optional<Object> result = PythonStr.call(text, name, params == null ? new Object[0] : params);
                if (result.isPresent()) {
                    context.setPropertyResolved(true);
                    return base instanceof Content c ? c.wrap(result.get()) : result.get();
                }
            }
            return delegate.invoke(context, base, method, paramTypes, params);
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return delegate.getCommonPropertyType(context, base);
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return delegate.getFeatureDescriptors(context, base);
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return delegate.getType(context, base, property);
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            return delegate.getValue(context, base, property);
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return delegate.isReadOnly(context, base, property);
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            delegate.setValue(context, base, property, value);
        }
    }

    /** The {@code generation} block of Hugging Face templates, which only marks the assistant's part. */
    private static final class GenerationTag implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }
}
