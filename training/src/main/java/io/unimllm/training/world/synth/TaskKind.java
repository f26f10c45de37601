package io.unimllm.training.world.synth;

/**
 * The kinds of instruction the world generates, with the protocol task type each one answers with.
 */
public enum TaskKind {
    /** "segment the red circle" -> {@code <task_seg>red circle</task><box>..</box>}. */
    SEGMENT("segment", "seg"),
    /** "where is the small blue square?" -> {@code <task_det>small blue square</task><box>..</box>}. */
    LOCATE("locate", "det"),
    /** "find all triangles" -> {@code <task_det>triangle</task><box>..</box>...}. */
    DETECT("detect", "det"),
    /** "make the green square yellow" -> {@code <task_edit>yellow</task><box>..</box>}. */
    RECOLOR("recolor", "edit"),
    /** "remove the circle on the left" -> {@code <task_edit>remove</task><box>..</box>}. */
    REMOVE("remove", "edit"),
    /** "how many shapes are there?" -> {@code 3}. */
    COUNT("count", TaskKind.ANSWER),
    /** "what colour is the square?" -> {@code blue}. */
    COLOR("color", TaskKind.ANSWER),
    /** "is there a triangle?" -> {@code yes}. */
    EXISTS("exists", TaskKind.ANSWER);

    /** The task type of a plain-text answer, which has no task token. */
    public static final String ANSWER = "answer";

    private final String id;
    private final String taskType;

    TaskKind(String id, String taskType) {
        this.id = id;
        this.taskType = taskType;
    }

    /** Stable lower-case name used in dataset files, e.g. {@code "segment"}. */
    public String id() {
        return id;
    }

    /** The protocol task type: {@code seg}, {@code det}, {@code edit}, or {@link #ANSWER} for plain text. */
    public String taskType() {
        return taskType;
    }

    /** The kind whose {@link #id()} is {@code id}. */
    public static TaskKind fromId(String id) {
        for (TaskKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task kind '" + id + "'");
    }
}
