package io.unimllm.shapes.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link WorldGenerator} draws for a seed: the shipped checkpoint (models/shapes-tiny), its documented
 * metrics and the end-to-end thresholds depend on these exact samples, phrasings and pixels. A change to the generator
 * that alters any of them must be a deliberate one (and retrain or re-measure the model).
 */
class WorldGeneratorPinTest {
    /** task | instruction | answer | shapes | hash of the image | hash of the mask bits | hash of the edited image. */
    private static final List<String> TRAIN_2026 = List.of(
            "DETECT|find all squares|<task_det>square</task><box>312,604,520,833</box>|3|579784776|0|0",
            "RECOLOUR|paint the orange square blue please|<task_edit>blue</task><box>333,375,562,604</box>|1"
                    + "|-2133409869|1033263555|-1183296503",
            "REMOVE|remove the purple square|<task_edit>remove</task><box>416,520,604,708</box>|1|839878709"
                    + "|-1073040137|1518166017",
            "SEGMENT|cut out the red circle|<task_seg>red circle</task><box>395,83,791,458</box>|1|-1861590489"
                    + "|182406261|0",
            "REMOVE|erase the orange triangle|<task_edit>remove</task><box>250,750,437,937</box>|3|-1046594884"
                    + "|2116129991|753652427",
            "COUNT|how many shapes are in the image ?|3|3|1161361419|0|0",
            "REMOVE|remove the yellow triangle|<task_edit>remove</task><box>145,562,479,895</box>|1|-1905331791"
                    + "|-1917365503|2000579886",
            "DETECT|where are the triangles ?|<task_det>triangle</task><box>250,458,625,833</box>|1|2002055894|0|0",
            "EXISTS|is there a triangle ?|no|2|1800868623|0|0",
            "SEGMENT|i want a mask of the red triangle|<task_seg>red triangle</task><box>729,145,958,375</box>|2"
                    + "|-1828973980|99276487|0");

    private static final List<String> TEST_2026 = List.of(
            "DETECT|where are all the squares in the image ?|<task_det>square</task><box>312,604,520,833</box>|3"
                    + "|579784776|0|0",
            "RECOLOUR|please make the orange square blue|<task_edit>blue</task><box>333,375,562,604</box>|1"
                    + "|-2133409869|1033263555|-1183296503",
            "REMOVE|please remove the purple square from the image|<task_edit>remove</task><box>416,520,604,708</box>"
                    + "|1|839878709|-1073040137|1518166017",
            "SEGMENT|i want the mask of the red circle in the image|<task_seg>red circle</task>"
                    + "<box>395,83,791,458</box>|1|-1861590489|182406261|0",
            "REMOVE|please remove the orange triangle from the image|<task_edit>remove</task>"
                    + "<box>250,750,437,937</box>|3|-1046594884|2116129991|753652427",
            "COUNT|count the shapes in the image please|3|3|1161361419|0|0",
            "REMOVE|please remove the yellow triangle from the image|<task_edit>remove</task>"
                    + "<box>145,562,479,895</box>|1|-1905331791|-1917365503|2000579886",
            "DETECT|please find every triangle|<task_det>triangle</task><box>250,458,625,833</box>|1|2002055894|0|0",
            "EXISTS|is there a triangle in this image ?|no|2|1800868623|0|0",
            "SEGMENT|i want the mask of the red triangle in the image|<task_seg>red triangle</task>"
                    + "<box>729,145,958,375</box>|2|-1828973980|99276487|0");

    @Test
    void seed2026DrawsThePinnedSamples() {
        for (Map.Entry<Map<Phrasings.Task, List<String>>, List<String>> e : Map.of(Phrasings.TRAIN, TRAIN_2026,
                Phrasings.TEST, TEST_2026).entrySet()) {
            List<Sample> drawn = new WorldGenerator(48, e.getKey(), 2026).next(e.getValue().size());
            assertThat(drawn.stream().map(WorldGeneratorPinTest::describe).toList()).containsExactlyElementsOf(
                    e.getValue());
        }
    }

    private static String describe(Sample s) {
        return s.task() + "|" + s.instruction() + "|" + s.answer() + "|" + s.scene().shapes().size() + "|"
                + hash(s.scene().render()) + "|" + s.mask().map(m -> Arrays.hashCode(m.bits())).orElse(0) + "|"
                + s.edited().map(WorldGeneratorPinTest::hash).orElse(0);
    }

    private static int hash(BufferedImage img) {
        return Arrays.hashCode(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()));
    }
}
