package io.unimllm.training.world.synth;

import io.unimllm.geometry.Box;
import java.util.List;

/**
 * Writes answers in unimllm's protocol: {@code <task_TYPE>ARGS</task>} followed by {@code <box>x1,y1,x2,y2</box>}
 * per region, coordinates as integers 0..999 = {@code floor(v / size * 1000)} clamped to 999, x first.
 */
public final class AnswerFormat {
    private AnswerFormat() {
    }

    /** The relative bin 0..999 of pixel coordinate {@code v} on an image side of {@code size} pixels. */
    public static int bin(double v, int size) {
        return (int) Math.max(0, Math.min(999, Math.floor(v / size * 1000)));
    }

    /** {@code <box>x1,y1,x2,y2</box>} in relative bins of a {@code width x height} image. */
    public static String box(Box b, int width, int height) {
        return "<box>" + bin(b.x1(), width) + "," + bin(b.y1(), height) + "," + bin(b.x2(), width) + ","
                + bin(b.y2(), height) + "</box>";
    }

    /** A task answer: task token, arguments, {@code </task>}, then one box per region. */
    public static String task(String taskType, String arguments, List<Box> boxes, int width, int height) {
        StringBuilder sb = new StringBuilder("<task_").append(taskType).append('>').append(arguments).append("</task>");
        for (Box b : boxes) {
            sb.append(box(b, width, height));
        }
        return sb.toString();
    }
}
