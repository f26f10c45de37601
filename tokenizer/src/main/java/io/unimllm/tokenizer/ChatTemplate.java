package io.unimllm.tokenizer;

import java.util.List;
import java.util.Locale;

/**
 * Prompt formats of the model families unimllm runs. Each renders user/assistant turns into the text the model was
 * trained on; the image placeholder ({@code <image>}) goes in front of the first user message when an image is given.
 */
public enum ChatTemplate {
    /**
     * LLaVA v1 / Vicuna v1: {@code "A chat between a curious human and an artificial intelligence assistant. The
     * assistant gives helpful, detailed, and polite answers to the human's questions. USER: <image>\n{msg}
     * ASSISTANT:"}; an assistant turn is followed by {@code </s>}.
     */
    LLAVA_V1("llava-v1"),
    /** LLaVA without system prompt, for small models: {@code "<image>\nUSER: {msg} ASSISTANT:"}. */
    LLAVA_PLAIN("llava-plain"),
    /** Llama-2 / Mistral: {@code "[INST] <image>\n{msg} [/INST]"}, turns joined by {@code " </s><s>"}. */
    LLAMA_2("llama-2"),
    /** ChatML (Qwen): {@code "<|im_start|>user\n<image>\n{msg}<|im_end|>\n<|im_start|>assistant\n"}. */
    CHATML("chatml");

    private static final String SYSTEM = "A chat between a curious human and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the human's questions.";

    private final String id;

    ChatTemplate(String id) {
        this.id = id;
    }

    /** The name used in unimllm.json. */
    public String id() {
        return id;
    }

    /**
     * The template of a name in unimllm.json.
     *
     * @throws TokenizerException for an unknown name
     */
    public static ChatTemplate byName(String name) {
        for (ChatTemplate t : values()) {
            if (t.id.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new TokenizerException("unknown chat template '" + name + "'; known: llava-v1, llava-plain, llama-2, "
                + "chatml");
    }

    /** One turn of a conversation. */
    public record Turn(boolean user, String text) {
        /** A user turn. */
        public static Turn user(String text) {
            return new Turn(true, text);
        }

        /** An assistant turn. */
        public static Turn assistant(String text) {
            return new Turn(false, text);
        }
    }

    /** A single-turn prompt ending where the assistant starts to answer. */
    public String prompt(String instruction, String imageToken) {
        return render(List.of(Turn.user(instruction)), imageToken, true);
    }

    /**
     * Renders a conversation.
     *
     * @param imageToken placeholder put before the first user message, or null for a text-only prompt
     * @param addGenerationPrompt end with the assistant's cue so that the model answers next
     */
    public String render(List<Turn> turns, String imageToken, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Turn t : turns) {
            boolean withImage = t.user() && first && imageToken != null;
            String msg = withImage && this != LLAVA_PLAIN ? imageToken + "\n" + t.text() : t.text();
            if (t.user()) {
                first = false;
            }
            switch (this) {
                case LLAVA_V1 -> {
                    if (sb.isEmpty()) {
                        sb.append(SYSTEM);
                    }
                    sb.append(t.user() ? " USER: " + msg : " ASSISTANT: " + msg + "</s>");
                }
                case LLAVA_PLAIN -> {
                    if (t.user()) {
                        sb.append(sb.isEmpty() ? "" : " ").append(withImage ? imageToken + "\n" : "")
                                .append("USER: ").append(msg);
                    } else {
                        sb.append(" ASSISTANT: ").append(msg).append("</s>");
                    }
                }
                case LLAMA_2 -> sb.append(t.user() ? "[INST] " + msg + " [/INST]" : " " + msg + " </s><s>");
                case CHATML -> sb.append(t.user() ? "<|im_start|>user\n" + msg + "<|im_end|>\n"
                        : "<|im_start|>assistant\n" + msg + "<|im_end|>\n");
                default -> throw new IllegalStateException();
            }
        }
        if (addGenerationPrompt) {
            switch (this) {
                case LLAVA_V1, LLAVA_PLAIN -> sb.append(" ASSISTANT:");
                case CHATML -> sb.append("<|im_start|>assistant\n");
                default -> { }
            }
        }
        return sb.toString();
    }
}
