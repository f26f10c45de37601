package io.unimllm.tokenizer;

import io.unimllm.protocol.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a conversation into the prompt a model was trained on. {@link #renderPrompt(List, boolean)} gives a
 * {@link PromptText} in which only the template's own syntax ({@code "</s>"}, {@code "<|im_start|>"}, the image
 * placeholders of {@link ChatTurn#images()}) is markup, and every turn's content, the system prompt included, is
 * literal text: a user who types {@code "<image>"}, {@code "</s> USER: ..."} or {@code "<task_det><box>"} gets
 * those characters encoded as ordinary text by {@link UnimllmTokenizer#encode(PromptText, boolean)}, never as
 * control tokens. {@link #render(List, boolean)} gives the same prompt as one string, for display.
 *
 * <p>Formats ({@code ␣} is one space, {@code \n} a newline, {@code IMG} the turn's image placeholders, each
 * followed by {@code \n}):
 * <ul>
 *   <li>{@link LlavaV1} (LLaVA-1.5 / Vicuna v1, FastChat {@code conv_vicuna_v1}, separator style TWO):
 *       {@code SYSTEM + "␣" + "USER:␣" + IMG + u1 + "␣" + "ASSISTANT:␣" + a1 + "</s>" + "USER:␣" + u2 + "␣"
 *       + "ASSISTANT:"}. The default system prompt is {@link LlavaV1#DEFAULT_SYSTEM}; a leading {@code SYSTEM}
 *       turn replaces it. An image question ({@link ChatTurn#userWithImage(String)}) gives
 *       {@code "...␣USER:␣<image>\nWhat is this?␣ASSISTANT:"}. Encode with BOS.</li>
 *   <li>{@link LlavaPlain} (small LLaVA models trained from scratch): no system prompt, the image first:
 *       {@code IMG + "USER:␣" + u1 + "␣ASSISTANT:␣" + a1 + "</s>" + "␣USER:␣" + u2 + "␣ASSISTANT:"}.</li>
 *   <li>{@link Llama2} (Llama-2-chat, also Mistral-instruct v0.1):
 *       {@code "<s>[INST]␣" + IMG + u1 + "␣[/INST]" + "␣" + a1 + "␣</s>" + "<s>[INST]␣" + u2 + "␣[/INST]"}; a
 *       leading system turn is folded into the first user message as
 *       {@code "<<SYS>>\n" + system + "\n<</SYS>>\n\n"} before its images and text. Message contents are
 *       stripped of surrounding whitespace, as in the Hugging Face template. The text already holds BOS: encode
 *       without BOS.</li>
 *   <li>{@link ChatMl} (Qwen, ChatML): {@code "<|im_start|>" + role + "\n" + IMG + content + "<|im_end|>\n"} per
 *       turn, roles {@code system}, {@code user}, {@code assistant}; the generation prompt is
 *       {@code "<|im_start|>assistant\n"}. No default system prompt; encode without BOS.</li>
 *   <li>{@link Plain}: each turn's images and content followed by {@code "\n"}, roles not written; the generation
 *       prompt adds nothing. For base models and tests.</li>
 * </ul>
 * In every format, {@code addGenerationPrompt} makes the text end where the assistant's answer starts;
 * it is ignored when the last turn is the assistant's.
 *
 * <p>These are named fallbacks for checkpoints that ship no template; {@link JinjaChatTemplate} renders a
 * checkpoint's own Hugging Face Jinja template with the same literal-text guarantee.
 */
public sealed interface ChatTemplate permits ChatTemplate.LlavaV1, ChatTemplate.LlavaPlain, ChatTemplate.Llama2,
        ChatTemplate.ChatMl, ChatTemplate.Plain, JinjaChatTemplate {

    /** The image placeholder that the vision embeddings replace. */
    String IMAGE_TOKEN = "<image>";

    /**
     * Renders a conversation in this format, the template's syntax as markup and every turn's content as literal
     * text.
     *
     * @param turns the conversation, optionally starting with one system turn
     * @param addGenerationPrompt whether to end with the cue for the assistant's next answer
     * @return the prompt, to encode with {@link UnimllmTokenizer#encode(PromptText, boolean)}
     * @throws IllegalArgumentException if the turns are empty or their order is not valid for the format
     */
    PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt);

    /**
     * Renders a conversation as one string: {@link #renderPrompt(List, boolean)}'s text, for display and logging.
     * Encoding this string with {@link UnimllmTokenizer#encode(String, boolean)} would read special-token strings
     * in the turns' contents as control tokens; encode the {@link PromptText} instead.
     *
     * @param turns the conversation, optionally starting with one system turn
     * @param addGenerationPrompt whether to end with the cue for the assistant's next answer
     * @return the prompt text
     * @throws IllegalArgumentException if the turns are empty or their order is not valid for the format
     */
    default String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
        return renderPrompt(turns, addGenerationPrompt).text();
    }

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
     * A single-turn prompt ending where the assistant's answer starts, the instruction literal.
     *
     * @param instruction the user's words
     * @param imageToken the image placeholder to put before them, or null for a text-only prompt
     * @return the prompt, as {@link #renderPrompt(List, boolean)} gives it for one user turn
     * @throws IllegalArgumentException if {@code imageToken} is empty
     */
    default PromptText promptText(String instruction, String imageToken) {
        ChatTurn turn = imageToken == null ? ChatTurn.user(instruction) : ChatTurn.userWithImage(imageToken,
                instruction);
        return renderPrompt(List.of(turn), true);
    }

    /**
     * A single-turn prompt as one string: {@link #promptText(String, String)}'s text, for display and logging
     * (see {@link #render(List, boolean)} on encoding it).
     *
     * @param instruction the user's words
     * @param imageToken the image placeholder to put before them, or null for a text-only prompt
     * @return the prompt text
     * @throws IllegalArgumentException if {@code imageToken} is empty
     */
    default String prompt(String instruction, String imageToken) {
        return promptText(instruction, imageToken).text();
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
        public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            PromptText.Builder p = PromptText.builder().literal(Turns.system(turns).orElse(systemPrompt)).markup(" ");
            for (ChatTurn t : body) {
                switch (t.role()) {
                    case USER -> Turns.images(p.markup("USER: "), t).literal(t.content()).markup(" ");
                    case ASSISTANT -> p.markup("ASSISTANT: ").literal(t.content()).markup("</s>");
                    case SYSTEM -> throw Turns.misplacedSystem(name());
                    default -> throw new IllegalStateException();
                }
            }
            if (addGenerationPrompt && Turns.last(body) != ChatTurn.Role.ASSISTANT) {
                p.markup("ASSISTANT:");
            }
            return p.build();
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
        public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            String system = Turns.system(turns).orElse(null);
            PromptText.Builder p = PromptText.builder();
            ChatTurn.Role expected = ChatTurn.Role.USER;
            boolean first = true;
            for (ChatTurn t : body) {
                if (t.role() != expected) {
                    throw new IllegalArgumentException("llama2 template needs alternating user/assistant turns "
                            + "starting with user; got " + t.role() + " where " + expected + " was expected");
                }
                if (t.role() == ChatTurn.Role.USER) {
                    p.markup("<s>[INST] ");
                    if (first && system != null) {
                        p.markup("<<SYS>>\n").literal(system.strip()).markup("\n<</SYS>>\n\n");
                    }
                    Turns.images(p, t).literal(t.content().strip()).markup(" [/INST]");
                    expected = ChatTurn.Role.ASSISTANT;
                } else {
                    p.markup(" ").literal(t.content().strip()).markup(" </s>");
                    expected = ChatTurn.Role.USER;
                }
                first = false;
            }
            return p.build();
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
        public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            PromptText.Builder p = PromptText.builder();
            Turns.system(turns).ifPresent(s -> p.markup("<|im_start|>system\n").literal(s).markup("<|im_end|>\n"));
            for (ChatTurn t : body) {
                p.markup("<|im_start|>" + t.role().name().toLowerCase(Locale.ROOT) + "\n");
                Turns.images(p, t).literal(t.content()).markup("<|im_end|>\n");
            }
            if (addGenerationPrompt && Turns.last(body) != ChatTurn.Role.ASSISTANT) {
                p.markup("<|im_start|>assistant\n");
            }
            return p.build();
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
        public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
            List<ChatTurn> body = Turns.body(turns, name());
            PromptText.Builder p = PromptText.builder();
            boolean started = false;
            for (ChatTurn t : body) {
                switch (t.role()) {
                    case USER -> {
                        if (started) {
                            p.markup(" ");
                        }
                        Turns.images(p, t).markup("USER: ").literal(t.content());
                    }
                    case ASSISTANT -> p.markup(" ASSISTANT: ").literal(t.content()).markup("</s>");
                    case SYSTEM -> throw Turns.misplacedSystem(name());
                    default -> throw new IllegalStateException();
                }
                started = true;
            }
            if (addGenerationPrompt && Turns.last(body) == ChatTurn.Role.USER) {
                p.markup(" ASSISTANT:");
            }
            return p.build();
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
        public PromptText renderPrompt(List<ChatTurn> turns, boolean addGenerationPrompt) {
            Turns.body(turns, name());
            PromptText.Builder p = PromptText.builder();
            for (ChatTurn t : turns) {
                Turns.images(p, t).literal(t.content()).markup("\n");
            }
            return p.build();
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
