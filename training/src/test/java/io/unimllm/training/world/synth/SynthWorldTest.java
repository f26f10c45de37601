package io.unimllm.training.world.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Mask;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SynthWorldTest {
    private static final WorldConfig CONFIG = WorldConfig.builder().imageSize(48).build();

    @Test
    void sameSeedGivesIdenticalImagesAndText() {
        WorldSplit a = WorldSplit.generate(CONFIG, 7, 30, 5, 10);
        WorldSplit b = WorldSplit.generate(CONFIG, 7, 30, 5, 10);
        for (int i = 0; i < 30; i++) {
            Sample x = a.train().get(i), y = b.train().get(i);
            assertThat(y.instruction()).isEqualTo(x.instruction());
            assertThat(y.answer()).isEqualTo(x.answer());
            assertThat(pixels(y.image())).isEqualTo(pixels(x.image()));
        }
        assertThat(b.test()).extracting(Sample::answer).isEqualTo(a.test().stream().map(Sample::answer).toList());
    }

    @Test
    void differentSeedsGiveDifferentData() {
        List<String> a = WorldSplit.generate(CONFIG, 1, 20, 0, 0).train().stream().map(Sample::instruction).toList();
        List<String> b = WorldSplit.generate(CONFIG, 2, 20, 0, 0).train().stream().map(Sample::instruction).toList();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void testSplitUsesOnlyHeldOutPhrasings() {
        Set<String> train = new HashSet<>(Phrasings.templates(PhrasingSet.TRAIN));
        Set<String> test = new HashSet<>(Phrasings.templates(PhrasingSet.TEST));
        assertThat(train).doesNotContainAnyElementsOf(test);
        for (TaskKind k : TaskKind.values()) {
            assertThat(Phrasings.templates(k, PhrasingSet.TEST)).as("held-out phrasings of %s", k).isNotEmpty();
        }
        WorldSplit split = WorldSplit.generate(CONFIG, 3, 200, 50, 100);
        assertThat(split.train()).extracting(Sample::template).allMatch(train::contains);
        assertThat(split.validation()).extracting(Sample::template).allMatch(train::contains);
        assertThat(split.test()).extracting(Sample::template).allMatch(test::contains);
        Set<String> testInstructions = split.test().stream().map(Sample::instruction).collect(Collectors.toSet());
        assertThat(split.train()).extracting(Sample::instruction).doesNotContainAnyElementsOf(testInstructions);
        assertThat(split.test()).extracting(Sample::task).containsAll(List.of(TaskKind.values()));
    }

    @Test
    void masksAreExactlyThePaintedPixels() {
        for (Sample s : WorldSplit.generate(CONFIG, 11, 40, 0, 0).train()) {
            Scene scene = s.scene();
            BufferedImage img = s.image();
            boolean[] covered = new boolean[48 * 48];
            for (int i = 0; i < scene.shapes().size(); i++) {
                Mask m = scene.mask(i);
                Box b = scene.box(i);
                int rgb = scene.shape(i).color().rgb();
                int minX = 48, maxX = -1, minY = 48, maxY = -1;
                for (int y = 0; y < 48; y++) {
                    for (int x = 0; x < 48; x++) {
                        if (m.get(x, y)) {
                            assertThat(covered[y * 48 + x]).as("shapes overlap").isFalse();
                            covered[y * 48 + x] = true;
                            assertThat(img.getRGB(x, y) & 0xFFFFFF).isEqualTo(rgb);
                            minX = Math.min(minX, x);
                            maxX = Math.max(maxX, x);
                            minY = Math.min(minY, y);
                            maxY = Math.max(maxY, y);
                        }
                    }
                }
                assertThat(b).isEqualTo(new Box(minX, minY, maxX + 1, maxY + 1));
            }
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    if (!covered[y * 48 + x]) {
                        assertThat(img.getRGB(x, y) & 0xFFFFFF).isEqualTo(scene.background().rgbAt(x, y, 48));
                    }
                }
            }
        }
    }

    @Test
    void segmentationAnswerUsesRelativeBinsOfTheTargetBox() {
        Scene scene = new Scene(64, new Background.Solid(0xEBEBEB), List.of(
                new Shape(ShapeKind.CIRCLE, ShapeColor.RED, ShapeSize.LARGE, 20, 20, 10),
                new Shape(ShapeKind.SQUARE, ShapeColor.BLUE, ShapeSize.SMALL, 48, 48, 6)));
        assertThat(scene.box(1)).isEqualTo(new Box(42, 42, 54, 54));
        // 42/64*1000 = 656.25 -> 656, 54/64*1000 = 843.75 -> 843
        assertThat(AnswerFormat.task("seg", "blue square", List.of(scene.box(1)), 64, 64))
                .isEqualTo("<task_seg>blue square</task><box>656,656,843,843</box>");
        assertThat(AnswerFormat.bin(64, 64)).isEqualTo(999);
    }

    @Test
    void referringPhrasesAreUnambiguous() {
        Scene scene = new Scene(64, new Background.Solid(0xEBEBEB), List.of(
                new Shape(ShapeKind.CIRCLE, ShapeColor.RED, ShapeSize.SMALL, 10, 30, 6),
                new Shape(ShapeKind.CIRCLE, ShapeColor.RED, ShapeSize.SMALL, 50, 30, 6),
                new Shape(ShapeKind.SQUARE, ShapeColor.GREEN, ShapeSize.LARGE, 30, 52, 10)));
        assertThat(ReferringExpressions.candidates(scene, 0, true)).containsExactly("circle on the left");
        assertThat(ReferringExpressions.candidates(scene, 1, true)).containsExactly("circle on the right");
        assertThat(ReferringExpressions.candidates(scene, 2, true)).containsExactlyInAnyOrder("square", "green square");
        assertThat(ReferringExpressions.candidates(scene, 2, false)).containsExactly("square");
    }

    @Test
    void everyGeneratedReferringPhraseDenotesExactlyTheTarget() {
        WorldConfig cfg = WorldConfig.builder().imageSize(64).only(TaskKind.SEGMENT, TaskKind.LOCATE, TaskKind.REMOVE)
                .build();
        WorldSplit split = WorldSplit.generate(cfg, 21, 300, 0, 100);
        for (Sample s : concat(split.train(), split.test())) {
            String phrase = s.task() == TaskKind.REMOVE ? s.instruction().replaceFirst("^.*? the ", "")
                    .replace(" away", "") : s.answer().substring(s.answer().indexOf('>') + 1,
                            s.answer().indexOf("</task>"));
            List<Box> denoted = denote(s.scene(), phrase);
            assertThat(denoted).as("%s in %s", phrase, s.id()).containsExactly(s.truth().boxes().get(0));
        }
    }

    /** An independent reading of a referring phrase: all shapes it could mean. */
    private static List<Box> denote(Scene scene, String phrase) {
        List<String> words = List.of(phrase.split(" "));
        List<Integer> idx = new java.util.ArrayList<>();
        for (int i = 0; i < scene.shapes().size(); i++) {
            Shape sh = scene.shape(i);
            if (words.contains(sh.kind().word())
                    && java.util.Arrays.stream(ShapeColor.values()).noneMatch(c -> words.contains(c.word())
                            && c != sh.color())
                    && java.util.Arrays.stream(ShapeSize.values()).noneMatch(z -> words.contains(z.word())
                            && z != sh.size())) {
                idx.add(i);
            }
        }
        java.util.Comparator<Integer> order = null;
        if (phrase.endsWith("left") || phrase.endsWith("right")) {
            order = java.util.Comparator.comparingDouble(i -> scene.shape(i).cx());
        } else if (phrase.endsWith("top") || phrase.endsWith("bottom")) {
            order = java.util.Comparator.comparingDouble(i -> scene.shape(i).cy());
        }
        if (order != null) {
            idx.sort(phrase.endsWith("left") || phrase.endsWith("top") ? order : order.reversed());
            idx = idx.subList(0, 1);
        }
        return idx.stream().map(scene::box).toList();
    }

    private static List<Sample> concat(List<Sample> a, List<Sample> b) {
        List<Sample> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void editGroundTruthShowsTheEditedScene() {
        WorldConfig cfg = WorldConfig.builder().imageSize(48).only(TaskKind.REMOVE, TaskKind.RECOLOR).build();
        for (Sample s : WorldSplit.generate(cfg, 5, 20, 0, 0).train()) {
            BufferedImage edited = s.truth().editedImage().orElseThrow();
            Mask m = s.truth().masks().get(0);
            int x = (int) s.truth().boxes().get(0).x1(), y = -1;
            for (int yy = 0; yy < 48 && y < 0; yy++) {
                if (m.get(x, yy)) {
                    y = yy;
                }
            }
            int after = edited.getRGB(x, y) & 0xFFFFFF;
            if (s.task() == TaskKind.REMOVE) {
                assertThat(s.answer()).startsWith("<task_edit>remove</task><box>");
                assertThat(after).isEqualTo(s.scene().background().rgbAt(x, y, 48));
            } else {
                String color = s.answer().substring("<task_edit>".length(), s.answer().indexOf("</task>"));
                assertThat(after).isEqualTo(ShapeColor.valueOf(color.toUpperCase()).rgb());
                assertThat(s.image().getRGB(x, y) & 0xFFFFFF).isNotEqualTo(after);
            }
        }
    }

    @Test
    void plainQuestionsHaveTextAnswers() {
        WorldConfig cfg = WorldConfig.builder().imageSize(48).only(TaskKind.COUNT, TaskKind.COLOR, TaskKind.EXISTS)
                .build();
        for (Sample s : WorldSplit.generate(cfg, 9, 60, 0, 0).train()) {
            switch (s.task()) {
                case COUNT -> assertThat(s.answer()).matches("[0-4]");
                case EXISTS -> assertThat(s.answer()).isIn("yes", "no");
                default -> assertThat(s.answer()).isIn("red", "green", "blue", "yellow", "purple", "orange");
            }
            assertThat(s.truth().boxes()).isEmpty();
        }
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> WorldConfig.builder().imageSize(10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> WorldConfig.builder().maxShapes(5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxShapes");
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
