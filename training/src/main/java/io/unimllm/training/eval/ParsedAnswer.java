package io.unimllm.training.eval;

import io.unimllm.geometry.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model answer split into task type, arguments and boxes.
 *
 * @param taskType {@code seg}, {@code det}, {@code edit}, ... or {@code answer} when the text has no task token
 * @param arguments the text between the task token and {@code </task>}, trimmed; for plain answers the whole text
 * @param boxBins boxes as relative bins {@code [x1,y1,x2,y2]} in 0..999, in order of appearance
 */
public record ParsedAnswer(String taskType, String arguments, List<int[]> boxBins) {
    public ParsedAnswer {
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(arguments, "arguments");
        boxBins = List.copyOf(boxBins);
    }

    /** The boxes in pixels of a {@code width x height} image; bin q maps back to {@code q * size / 1000}. */
    public List<Box> boxes(int width, int height) {
        List<Box> out = new ArrayList<>();
        for (int[] b : boxBins) {
            double x1 = b[0] * width / 1000.0, y1 = b[1] * height / 1000.0;
            double x2 = b[2] * width / 1000.0, y2 = b[3] * height / 1000.0;
            out.add(new Box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)));
        }
        return out;
    }
}
