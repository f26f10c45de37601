package io.unimllm.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.unimllm.geometry.Box;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void boxIoUOfAHalfShiftedBoxIsAThird() {
        // intersection 5x10 = 50, union 100 + 100 - 50 = 150
        assertThat(Metrics.boxIoU(List.of(new Box(0, 0, 10, 10)), List.of(new Box(5, 0, 15, 10))))
                .isCloseTo(1.0 / 3, within(1e-12));
        assertThat(Metrics.boxAccuracyAt50(List.of(new Box(0, 0, 10, 10)), List.of(new Box(5, 0, 15, 10)))).isZero();
    }

    @Test
    void missedAndSpuriousBoxesCountAsZero() {
        List<Box> targets = List.of(new Box(0, 0, 10, 10), new Box(20, 20, 30, 30));
        assertThat(Metrics.boxIoU(List.of(new Box(0, 0, 10, 10)), targets)).isEqualTo(0.5);
        assertThat(Metrics.boxIoU(List.of(new Box(0, 0, 10, 10), new Box(0, 0, 12, 10)), List.of(targets.get(0))))
                .isEqualTo(0.5);
        assertThat(Metrics.boxIoU(List.of(), List.of())).isEqualTo(1.0);
        assertThat(Metrics.boxIoU(List.of(new Box(0, 0, 1, 1)), List.of())).isZero();
    }

    @Test
    void greedyMatchingPairsEachTargetOnceBestFirst() {
        List<Box> preds = List.of(new Box(0, 0, 12, 10), new Box(0, 0, 10, 10), new Box(21, 20, 30, 30));
        List<Box> targets = List.of(new Box(20, 20, 30, 30), new Box(0, 0, 10, 10));
        // pred 1 = target 1 exactly (IoU 1), pred 2 vs target 0: 90/100 = 0.9, pred 0 left unmatched
        assertThat(Metrics.matchBoxes(preds, targets)).containsExactly(1.0, 0.9);
        assertThat(Metrics.boxIoU(preds, targets)).isCloseTo(1.9 / 3, within(1e-12));
        assertThat(Metrics.boxAccuracyAt50(preds, targets)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void editPixelAccuracyCountsPixelsWithinTolerance() {
        BufferedImage a = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        BufferedImage b = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        b.setRGB(1, 1, 0x001400); // green channel off by 20
        assertThat(Metrics.editPixelAccuracy(a, b, 10)).isEqualTo(0.75);
        assertThat(Metrics.editPixelAccuracy(a, b, 20)).isEqualTo(1.0);
        assertThat(Metrics.editPixelAccuracy(a, new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), 255)).isZero();
    }

    @Test
    void answersCompareInNormalForm() {
        assertThat(Metrics.normaliseAnswer("  Yes. ")).isEqualTo("yes");
        assertThat(Metrics.normaliseAnswer("red\n circle")).isEqualTo("red circle");
    }

    @Test
    void parserReadsTaskArgumentsAndBoxes() {
        ParsedAnswer p = ProtocolAnswerParser.parse("<task_seg>red circle</task><box>120,80,360,400</box>");
        assertThat(p.taskType()).isEqualTo("seg");
        assertThat(p.arguments()).isEqualTo("red circle");
        assertThat(p.boxes(100, 50)).containsExactly(new Box(12, 4, 36, 20));
        ParsedAnswer det = ProtocolAnswerParser.parse("<task_det>triangle</task><box>1,2,3,4</box><box>5,6,7,8</box>");
        assertThat(det.boxBins()).hasSize(2);
        assertThat(ProtocolAnswerParser.parse("3")).isEqualTo(new ParsedAnswer("answer", "3", List.of()));
        assertThat(ProtocolAnswerParser.parse("<task_det>x</task><box>1,2,3</box>").boxBins()).isEmpty();
        assertThat(ProtocolAnswerParser.parse(null).taskType()).isEqualTo("answer");
    }
}
