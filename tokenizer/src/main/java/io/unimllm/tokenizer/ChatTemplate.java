package io.unimllm.tokenizer;

import io.unimllm.protocol.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a conversation into the prompt text a model was trained on. The result is plain text in which
 * special tokens appear as their strings ({@code "<image>"}, {@code "</s>"}, {@code "<|im_start|>"});
 * {@link UnimllmTokenizer#encode(String, boolean)} turns each of them into one id.
 *
 * <p>Formats ({@code ␣} is one space, {@code \n} a newline):
 * <ul>
 *   <li>{@link LlavaV1} (LLaVA-1.5 / Vicuna v1, FastChat {@code conv_vicuna_v1}, separator style TWO):
 *       {@code SYSTEM + "␣" + "USER:␣" + u1 + "␣" + "ASSISTANT:␣" + a1 + "</s>" + "USER:␣" + u2 + "␣" + "ASSISTANT:"}.
 *       The default system prompt is {@link LlavaV1#DEFAULT_SYSTEM}; a leading {@code SYSTEM} turn replaces
 *       it. An image question is written {@code "<image>\n" + instruction} (see
 *       {@link ChatTurn#userWithImage(String)}), giving {@code "...␣USER:␣<image>\nWhat is this?␣ASSISTANT:"}.
 *       Encode with BOS.</li>
 *   <li>{@link LlavaPlain} (small LLaVA models trained from scratch): no system prompt, the image first:
 *       {@code "<image>\nUSER:␣" + u1 + "␣ASSISTANT:␣" + a1 + "</s>" + "␣USER:␣" + u2 + "␣ASSISTANT:"}.</li>
 *   <li>{@link Llama2} (Llama-2-chat, also Mistral-instruct v0.1):
 *       {@code "<s>[INST]␣" + u1 + "␣[/INST]" + "␣" + a1 + "␣</s>" + "<s>[INST]␣" + u2 + "␣[/INST]"}; a
 *       leading system turn is folded into the first user message as
 *       {@code "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + u1}. Message contents are stripped of surrounding
 *       whitespace, as in the Hugging Face template. The text already holds BOS: encode without BOS.</li>
 *   <li>{@link ChatMl} (Qwen, ChatML): {@code "<|im_start|>" + role + "\n" + content + "<|im_end|>\n"} per
 *       turn, roles {@code system}, {@code user}, {@code assistant}; the generation prompt is
 *       {@code "<|im_start|>assistant\n"}. No default system prompt; encode without BOS.</li>
 *   <li>{@link Plain}: each turn's content followed by {@code "\n"}, roles not written; the generation
 *       prompt adds nothing. For base models and tests.</li>
 * </ul>
 * In every format, {@code addGenerationPrompt} makes the text end where the assistant's answer starts;
 * it is ignored when the last turn is the assistant's.
 */
public sealed interface ChatTemplate permits ChatTemplate.LlavaV1, ChatTemplate.LlavaPlain, ChatTemplate.Llama2,
        ChatTemplate.ChatMl, ChatTemplate.Plain {

    /** The image placeholder that the vision embeddings replace. */
    String IMAGE_TOKEN = "<image>";

    /**
     * Renders a conversation in this format.
     *
     * @param turns the conversation, optionally starting with one system turn
     * @param addGenerationPrompt whether to end with the cue for the assistant's next answer
     * @return the prompt text
     * @throws IllegalArgumentException if the turns are empty or their order is not valid for the format
     */
    String render(List<ChatTurn> turns, boolean addGenerationPrompt);

    /**
     * The name of this format.
     *
     * @return the canonical name accepted by {@link #byName(String)}
     */
    String name();

    /**
     * Whether to encode the rendered text without BOS, because the text already holds it.
     *
     * @return whether the rendered text already starts with the BOS token string
     */
    boolean rendersBos();

    /**
     * A single-turn prompt ending where the assistant's answer starts.
     *
     * @param instruction the user's words
     * @param imageToken the image placeholder to put before them, or null for a text-only prompt
     * @return the prompt text, as {@link #render(List, boolean)} gives it for one user turn
     */
    default String prompt(String instruction, String imageToken) {
        String content = imageToken == null ? instruction : imageToken + "\n" + instruction;
        return render(List.of(ChatTurn.user(content)), true);
    }

    /**
     * Looks a template up by name, case-insensitively and with {@code -} read as {@code _}: {@code llava_v1}
     * (also {@code llava}, {@code vicuna_v1}, {@code vicuna}), {@code llava_plain}, {@code llama2} (also
     * {@code llama_2}, {@code mistral}), {@code chatml} (also {@code qwen}), {@code plain}.
     *
     * @param name a template name from a model config
     * @return the template
     * @throws ConfigException for an unknown name, listing the known ones
     */
    static ChatTemplate byName(String name) {
        Objects.requireNonNull(name, "name");
        return switch (name.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "llava_v1", "llava", "vicuna_v1", "vicuna" -> new LlavaV1();
            case "llava_plain" -> new LlavaPlain();
            case "llama2", "llama_2", "mistral" -> new Llama2();
            case "chatml", "qwen" -> new ChatMl();
            case "plain" -> new Plain();
            default -> throw new ConfigException("unknown chat template '" + name
                    + "'; known: llava_v1, llava_plain, llama2, chatml, plain", null);
        };
    }

    /**
     * Guesses the template from a Hugging Face Jinja {@code chat_template} string.
     *
     * @param jinja the {@code chat_template} of {@code tokenizer_config.json}
     * @return ChatML if it uses {@code <|im_start|>}, Llama-2 if it uses {@code [INST]}, LLaVA v1 if it
     *     uses {@code "ASSISTANT:"}, else plain
     */
    static ChatTemplate detect(String jinja) {
        Objects.requireNonNull(jinja, "jinja");
        if (jinja.contains("<|im_start|>")) {
            return new ChatMl();
        }
        if (jinja.contains("[INST]")) {
            return new Llama2();
        }
        if (jinja.contains("ASSISTANT:")) {
            return new LlavaV1();
        }
        return new Plain();
    }

    /**
     * LLaVA v1 / Vicuna v1 format (see {@link ChatTemplate}).
     *
     * @param systemPrompt the system prompt used when the conversation has no system turn
     */
    record LlavaV1(String systemPrompt) implements ChatTemplate {
        /** The Vicuna v1 system prompt that LLaVA-1.5 was trained with. */
        public static final String DEFAULT_SYSTEM = "A chat between a curious human and an artificial "
                + "intelligence assistant. The assistant gives helpful, detailed, and polite answers to the "
                + "human's questions.";

        /**
         * Validates the prompt.
         *
         * @param systemPrompt the system prompt used when the conversation has no system turn
         */
        public LlavaV1 {
            Objects.requireNonNull(systemPrompt, "systemPrompt");
        }

        /** The format with {@link #DEFAULT_SYSTEM} as the system prompt. */
        public LlavaV1() {
            this(DEFAULT_SYSTEM);
        }

        @Override
        public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            StringBuilder sb = new StringBuilder(Turns.system(turns).orElse(systemPrompt)).append(' ');
            for (ChatTurn t : body) {
                switch (t.role()) {
                    case USER -> sb.append("USER: ").append(t.content()).append(' ');
                    case ASSISTANT -> sb.append("ASSISTANT: ").append(t.content()).append("</s>");
                    case SYSTEM -> throw Turns.misplacedSystem(name());
                }
            }
            if (addGenerationPrompt && Turns.last(body) != ChatTurn.Role.ASSISTANT) {
                sb.append("ASSISTANT:");
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "llava_v1";
        }

        @Override
        public boolean rendersBos() {
            return false;
        }
    }

    /** Llama-2-chat / Mistral {@code [INST]} format (see {@link ChatTemplate}). */
    record Llama2() implements ChatTemplate {
        @Override
        public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            String system = Turns.system(turns).orElse(null);
            StringBuilder sb = new StringBuilder();
            ChatTurn.Role expected = ChatTurn.Role.USER;
            boolean first = true;
            for (ChatTurn t : body) {
                if (t.role() != expected) {
                    throw new IllegalArgumentException("llama2 template needs alternating user/assistant turns "
                            + "starting with user; got " + t.role() + " where " + expected + " was expected");
                }
                if (t.role() == ChatTurn.Role.USER) {
                    String content = t.content().strip();
                    if (first && system != null) {
                        content = "<<SYS>>\n" + system.strip() + "\n<</SYS>>\n\n" + content;
                    }
                    sb.append("<s>[INST] ").append(content).append(" [/INST]");
                    expected = ChatTurn.Role.ASSISTANT;
                } else {
                    sb.append(' ').append(t.content().strip()).append(" </s>");
                    expected = ChatTurn.Role.USER;
                }
                first = false;
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "llama2";
        }

        @Override
        public boolean rendersBos() {
            return true;
        }
    }

    /** ChatML format used by Qwen (see {@link ChatTemplate}). */
    record ChatMl() implements ChatTemplate {
        @Override
        public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            StringBuilder sb = new StringBuilder();
            Turns.system(turns).ifPresent(s -> sb.append("<|im_start|>system\n").append(s).append("<|im_end|>\n"));
            for (ChatTurn t : body) {
                sb.append("<|im_start|>").append(t.role().name().toLowerCase(Locale.ROOT)).append('\n')
                        .append(t.content()).append("<|im_end|>\n");
            }
            if (addGenerationPrompt && Turns.last(body) != ChatTurn.Role.ASSISTANT) {
                sb.append("<|im_start|>assistant\n");
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "chatml";
        }

        @Override
        public boolean rendersBos() {
            return false;
        }
    }

    /**
     * LLaVA without a system prompt, the image first, for small models trained from scratch (the shapes model):
     * {@code "<image>\nUSER: {msg} ASSISTANT:"}; an assistant turn is {@code " ASSISTANT: {msg}</s>"}.
     */
    record LlavaPlain() implements ChatTemplate {
        @Override
        public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            StringBuilder sb = new StringBuilder();
            for (ChatTurn t : body) {
                switch (t.role()) {
                    case USER -> {
                        String c = t.content();
                        if (sb.length() > 0) {
                            sb.append(' ');
                        }
                        if (c.startsWith(IMAGE_TOKEN + "\n")) {
                            sb.append(IMAGE_TOKEN).append('\n');
                            c = c.substring(IMAGE_TOKEN.length() + 1);
                        }
                        sb.append("USER: ").append(c);
                    }
                    case ASSISTANT -> sb.append(" ASSISTANT: ").append(t.content()).append("</s>");
                    case SYSTEM -> throw Turns.misplacedSystem(name());
                    default -> throw new IllegalStateException();
                }
            }
            if (addGenerationPrompt && !body.isEmpty() && body.get(body.size() - 1).role() == ChatTurn.Role.USER) {
                sb.append(" ASSISTANT:");
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "llava_plain";
        }

        @Override
        public boolean rendersBos() {
            return false;
        }
    }

    /** Plain format: contents one per line, no roles (see {@link ChatTemplate}). */
    record Plain() implements ChatTemplate {
        @Override
        public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
            Turns.body(turns, name());
            StringBuilder sb = new StringBuilder();
            for (ChatTurn t : turns) {
                sb.append(t.content()).append('\n');
            }
            return sb.toString();
        }

        @Override
        public String name() {
            return "plain";
        }

        @Override
        public boolean rendersBos() {
            return false;
        }
    }
}
