package io.unimllm.shapes.eval;

import java.util.Locale;

/**
 * Metrics of the shapes model on a split.
 *
 * @param samples number of samples evaluated
 * @param taskAccuracy fraction whose first task token (or plain answer) matches the target's
 * @param argumentAccuracy fraction of tasks (samples whose target has a task token) whose first task's arguments,
 *     the object the instruction names (e.g. {@code red circle}), equal the target's, ignoring case
 * @param boxIouMean mean IoU of the model's boxes with the targets (tasks with boxes; greedy matching)
 * @param boxIou50 fraction of target boxes matched with IoU >= 0.5
 * @param boxIou50Small the same over small target boxes (at most 1/16 of the image's area, see {@link Metrics#isSmall})
 * @param boxIou50Large the same over the other target boxes
 * @param boxPrecision50 fraction of the boxes the model writes (its first task's, on samples whose target has boxes)
 *     that are matched to a target with IoU >= 0.5 (the matching of {@link Metrics#matchIous}: one target per box),
 *     so that spurious boxes, which the recall figures above do not see, cost here
 * @param headIouMean mean IoU of the region head's box (task token's hidden state) with the first target box
 * @param maskIouMean mean IoU of the segmentation expert's mask with the target mask (segment tasks), as the runtime
 *     answers (with the mask-prompt head's point when the checkpoint has that head)
 * @param maskBoxOnlyIouMean the same with the segmenter prompted by the model's box alone; NaN without a mask-prompt
 *     head
 * @param maskHeadIouMean the same with the segmenter prompted by the model's box and the mask-prompt head's point; NaN
 *     without a mask-prompt head
 * @param editPixelAccuracy fraction of pixels within 32 grey levels of the expected edited image (edit tasks)
 * @param answerAccuracy exact-match accuracy of plain answers
 * @param seconds wall time of the evaluation
 */
public record EvaluationReport(int samples, double taskAccuracy, double argumentAccuracy, double boxIouMean,
        double boxIou50, double boxIou50Small, double boxIou50Large, double boxPrecision50, double headIouMean,
        double maskIouMean, double maskBoxOnlyIouMean, double maskHeadIouMean, double editPixelAccuracy,
        double answerAccuracy, double seconds) {

    /**
     * The metrics as a markdown table.
     *
     * @return the table; the mask-prompt head's lines only when the checkpoint has that head
     */
    public String markdown() {
        String head = Double.isNaN(maskHeadIouMean) ? "" : String.format(Locale.ROOT, """
            | mask IoU (model's box only) | %.3f |
            | mask IoU (mask-prompt head: model's box + head's point) | %.3f |
            """, maskBoxOnlyIouMean, maskHeadIouMean);
        return String.format(Locale.ROOT, """
            | metric | value |
            |---|---|
            | samples | %d |
            | task-token accuracy | %.3f |
            | task-argument accuracy (the object named) | %.3f |
            | box IoU (mean) | %.3f |
            | box IoU >= 0.5 | %.3f |
            | box IoU >= 0.5, small targets (<= 1/16 of the image) | %.3f |
            | box IoU >= 0.5, large targets | %.3f |
            | box precision (model's boxes on a target, IoU >= 0.5) | %.3f |
            | region-head box IoU (mean) | %.3f |
            | mask IoU (mean, segment tasks) | %.3f |
            %s| edit pixel accuracy | %.3f |
            | plain-answer accuracy | %.3f |
            | wall time | %.0f s |
            """, samples, taskAccuracy, argumentAccuracy, boxIouMean, boxIou50, boxIou50Small, boxIou50Large,
                boxPrecision50, headIouMean, maskIouMean, head, editPixelAccuracy, answerAccuracy, seconds);
    }
}
