package io.unimllm.shapes.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric definitions behind the numbers the {@code eval} command prints (and docs/training.md records). */
class MetricsTest {
    @Test
    void boxIouOfAHalfShiftedBoxIsAThird() {
        // intersection 5x10 = 50, union 100 + 100 - 50 = 150
        assertThat(Metrics.matchIous(List.of(new Box(5, 0, 15, 10)), List.of(new Box(0, 0, 10, 10))))
                .singleElement().satisfies(v -> assertThat(v).isCloseTo(1.0 / 3, within(1e-12)));
    }

    @Test
    void eachTargetTakesTheBestUnusedPredictionInTargetOrder() {
        List<Box> targets = List.of(new Box(0, 0, 10, 10), new Box(20, 20, 30, 30));
        List<Box> preds = List.of(new Box(0, 0, 12, 10), new Box(0, 0, 10, 10), new Box(21, 20, 30, 30));
        // target 0 takes pred 1 (IoU 1), target 1 takes pred 2 (90/100); pred 0 is spurious and costs nothing
        assertThat(Metrics.matchIous(targets, preds)).containsExactly(1.0, 0.9);
        // one prediction for two targets: the first target takes it, the second counts 0
        assertThat(Metrics.matchIous(List.of(new Box(0, 0, 10, 10), new Box(0, 0, 10, 10)),
                List.of(new Box(0, 0, 10, 10)))).containsExactly(1.0, 0.0);
        assertThat(Metrics.matchIous(targets, List.of())).containsExactly(0.0, 0.0);
        assertThat(Metrics.matchIous(List.of(), preds)).isEmpty();
    }

    @Test
    void predictionsOnTargetAreTheMatchedIousAtTheThreshold() {
        List<Box> targets = List.of(new Box(0, 0, 10, 10), new Box(20, 20, 30, 30));
        // three predictions: one exact, one a third off the second target (IoU 0.5), one spurious
        List<Box> preds = List.of(new Box(40, 40, 45, 45), new Box(0, 0, 10, 10), new Box(20, 20, 30, 35));
        List<Double> ious = Metrics.matchIous(targets, preds);
        assertThat(Metrics.onTarget(ious, 0.5)).isEqualTo(2);
        assertThat(Metrics.onTarget(ious, 0.9)).isEqualTo(1);
        assertThat(Metrics.onTarget(List.of(), 0.5)).isZero();
    }

    @Test
    void aggregatesAreMeansAndFractionsAndNaNWithoutValues() {
        assertThat(Metrics.mean(List.of(1.0, 0.5, 0.0))).isEqualTo(0.5);
        assertThat(Metrics.fraction(List.of(1.0, 0.5, 0.49), 0.5)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(Metrics.mean(List.of())).isNaN();
        assertThat(Metrics.fraction(List.of(), 0.5)).isNaN();
    }

    @Test
    void editPixelAccuracyCountsPixelsWithinThirtyTwoLevelsOnEveryChannel() {
        BufferedImage a = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        BufferedImage b = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        b.setRGB(0, 0, 0x002000); // green off by 32: still right
        b.setRGB(1, 1, 0x000021); // blue off by 33: wrong
        assertThat(Metrics.pixelAccuracy(a, b)).isEqualTo(0.75);
        assertThat(Metrics.pixelAccuracy(b, b)).isEqualTo(1.0);
    }

    @Test
    void plainAnswersCompareIgnoringCaseAndSurroundingWhitespace() {
        assertThat(Metrics.plainAnswerMatches("  Yes \n", "yes")).isTrue();
        assertThat(Metrics.plainAnswerMatches("yes.", "yes")).isFalse();
        assertThat(Metrics.plainAnswerMatches("3", "2")).isFalse();
    }

    @Test
    void smallTargetsAreAtMostASixteenthOfTheImage() {
        assertThat(Metrics.isSmall(new Box(0, 0, 12, 12), 48, 48)).isTrue();
        assertThat(Metrics.isSmall(new Box(10, 10, 23, 22), 48, 48)).isFalse();
        assertThat(Metrics.isSmall(new Box(0, 0, 24, 24), 96, 96)).isTrue();
    }

    @Test
    void taskArgumentsCompareIgnoringCaseAndSpacing() {
        assertThat(Metrics.argumentsMatch(" red  circle ", "Red circle")).isTrue();
        assertThat(Metrics.argumentsMatch("orange circle", "red circle")).isFalse();
        assertThat(Metrics.argumentsMatch("large red circle", "red circle")).isFalse();
    }

    @Test
    void reportPrintsTheMaskPromptHeadLinesOnlyWithTheHead() {
        EvaluationReport without = new EvaluationReport(10, 1, 0.8, 0.5, 0.4, 0.3, 0.6, 0.7, 0.3, 0.2, Double.NaN,
                Double.NaN, 0.9, 0.6, 2);
        assertThat(without.markdown()).contains("| task-token accuracy | 1.000 |",
                "| task-argument accuracy (the object named) | 0.800 |", "| box IoU >= 0.5 | 0.400 |",
                "| box IoU >= 0.5, small targets (<= 1/16 of the image) | 0.300 |",
                "| box IoU >= 0.5, large targets | 0.600 |",
                "| box precision (model's boxes on a target, IoU >= 0.5) | 0.700 |",
                "| plain-answer accuracy | 0.600 |")
                .doesNotContain("mask-prompt head");
        EvaluationReport with = new EvaluationReport(10, 1, 0.8, 0.5, 0.4, 0.3, 0.6, 0.7, 0.3, 0.2, 0.25, 0.35, 0.9,
                0.6, 2);
        assertThat(with.markdown()).contains("| mask IoU (model's box only) | 0.250 |",
                "| mask IoU (mask-prompt head: model's box + head's point) | 0.350 |");
    }
}
