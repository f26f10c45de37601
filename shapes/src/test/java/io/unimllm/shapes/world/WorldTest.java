package io.unimllm.shapes.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.unimllm.geometry.Box;
import io.unimllm.tokenizer.ChatTemplate;
import io.unimllm.tokenizer.UnimllmTokenizer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic world: deterministic, consistent ground truth, held-out phrasings, a tokenizer that covers it. */
class WorldTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesIdenticalSamples() {
        List<Sample> a = new WorldGenerator(48, Phrasings.TRAIN, 5).next(20);
        List<Sample> b = new WorldGenerator(48, Phrasings.TRAIN, 5).next(20);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).instruction()).isEqualTo(a.get(i).instruction());
            assertThat(b.get(i).answer()).isEqualTo(a.get(i).answer());
            BufferedImage ia = a.get(i).scene().render();
            BufferedImage ib = b.get(i).scene().render();
            assertThat(ib.getRGB(0, 0, 48, 48, null, 0, 48)).containsExactly(ia.getRGB(0, 0, 48, 48, null, 0, 48));
        }
    }

    @Test
    void heldOutPhrasingsAreNeverTrainingPhrasingsAndUseOnlyKnownWords() {
        Set<String> trainWords = words(Phrasings.TRAIN);
        for (Phrasings.Task t : Phrasings.Task.values()) {
            for (String p : Phrasings.TEST.get(t)) {
                assertThat(Phrasings.TRAIN.get(t)).doesNotContain(p);
                for (String w : p.split("\\s+")) {
                    assertThat(trainWords).as("word '%s' of held-out phrasing '%s'", w, p).contains(w);
                }
            }
        }
    }

    @Test
    void masksBoxesAndAnswersAgreeWithTheRenderedPixels() {
        for (Sample s : new WorldGenerator(48, Phrasings.TRAIN, 9).next(60)) {
            if (s.task() == Phrasings.Task.SEGMENT) {
                var mask = s.mask().orElseThrow();
                Box box = s.boxes().get(0);
                int inside = 0;
                for (int y = 0; y < 48; y++) {
                    for (int x = 0; x < 48; x++) {
                        if (mask.get(x, y)) {
                            assertThat(x).isBetween((int) box.x1(), (int) box.x2() - 1);
                            assertThat(y).isBetween((int) box.y1(), (int) box.y2() - 1);
                            inside++;
                        }
                    }
                }
                assertThat(inside).isPositive();
                assertThat(s.answer()).startsWith("<task_seg>").contains(WorldGenerator.boxTokens(box, 48));
            }
        }
    }

    @Test
    void tokenizerCoversEveryPromptAndAnswerWithoutUnknownTokens() {
        WorldTokenizer.write(tmp);
        try (UnimllmTokenizer tok = UnimllmTokenizer.load(tmp)) {
            int unk = tok.tokenId("<unk>");
            for (Sample s : new WorldGenerator(48, Phrasings.TEST, 3).next(100)) {
                String text = new ChatTemplate.LlavaPlain().prompt(s.instruction(), "<image>") + " " + s.answer();
                int[] ids = tok.encode(text, true);
                assertThat(ids).doesNotContain(unk);
                assertThat(ids[0]).isEqualTo(tok.bosId().getAsInt());
                assertThat(tok.decode(ids, false).replace(" ", ""))
                        .isEqualTo(("<s>" + text).replace(" ", "").replace("\n", ""));
            }
            int[] box = tok.encode("<box>120,80</box>", false);
            assertThat(box).hasSize(8);
            assertThat(tok.isSpecial(box[0])).isTrue();
        }
    }

    @Test
    void differentSeedsGiveDifferentData() {
        List<String> a = new WorldGenerator(48, Phrasings.TRAIN, 1).next(10).stream().map(Sample::answer).toList();
        List<String> b = new WorldGenerator(48, Phrasings.TRAIN, 2).next(10).stream().map(Sample::answer).toList();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void masksAreThePaintedPixelsOfTheTargetAndReferringExpressionsPickExactlyIt() {
        for (Sample s : new WorldGenerator(48, Phrasings.TRAIN, 21).next(80)) {
            if (s.mask().isEmpty()) {
                continue;
            }
            var mask = s.mask().get();
            BufferedImage img = s.scene().render();
            Shape target = s.scene().shapes().stream().filter(sh -> sh.box(48, 48).equals(s.boxes().get(0)))
                    .findFirst().orElseThrow();
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    if (mask.get(x, y)) {
                        assertThat(img.getRGB(x, y)).isEqualTo(target.colour().colour().getRGB());
                    }
                }
            }
            String ref = WorldGenerator.refer(s.scene(), target);
            assertThat(s.scene().shapes().stream().filter(o -> WorldGenerator.refer(s.scene(), o).equals(ref)))
                    .as("shapes called '%s'", ref).hasSize(1);
        }
    }

    @Test
    void editGroundTruthShowsTheEditedScene() {
        int seen = 0;
        for (Sample s : new WorldGenerator(48, Phrasings.TRAIN, 31).next(80)) {
            if (s.edited().isEmpty()) {
                continue;
            }
            seen++;
            var mask = s.mask().orElseThrow();
            BufferedImage before = s.scene().render();
            BufferedImage after = s.edited().get();
            int changed = 0;
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    if (!mask.get(x, y)) {
                        assertThat(after.getRGB(x, y)).as("outside the mask").isEqualTo(before.getRGB(x, y));
                    } else if (after.getRGB(x, y) != before.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertThat(changed).as("pixels the edit changed in %s", s.answer()).isPositive();
            if (s.task() == Phrasings.Task.RECOLOUR) {
                Palette to = Palette.valueOf(s.answer().substring("<task_edit>".length(), s.answer().indexOf("</task>"))
                        .toUpperCase(java.util.Locale.ROOT));
                for (int y = 0; y < 48; y++) {
                    for (int x = 0; x < 48; x++) {
                        if (mask.get(x, y)) {
                            assertThat(after.getRGB(x, y)).isEqualTo(to.colour().getRGB());
                        }
                    }
                }
            }
        }
        assertThat(seen).isPositive();
    }

    @Test
    void plainQuestionsHaveTextAnswersThatMatchTheScene() {
        for (Sample s : new WorldGenerator(48, Phrasings.TRAIN, 41).next(80)) {
            switch (s.task()) {
                case COUNT -> assertThat(s.answer()).isEqualTo(Integer.toString(s.scene().shapes().size()));
                case EXISTS -> assertThat(s.answer()).isIn("yes", "no");
                case COLOUR_OF -> assertThat(s.answer()).isIn(java.util.Arrays.stream(Palette.values())
                        .map(Palette::word).toList());
                default -> assertThat(s.answer()).startsWith("<task_");
            }
            assertThat(s.taskToken().isPresent()).isEqualTo(s.answer().startsWith("<task_"));
        }
    }

    @Test
    void sizeAndShapeCountAreConfigurableAndValidated() {
        for (Sample s : new WorldGenerator(64, 4, Phrasings.TRAIN, 3).next(40)) {
            assertThat(s.scene().size()).isEqualTo(64);
            assertThat(s.scene().shapes()).hasSizeBetween(1, 4);
        }
        assertThat(new WorldGenerator(48, 1, Phrasings.TRAIN, 3).next(20))
                .allSatisfy(s -> assertThat(s.scene().shapes()).hasSize(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorldGenerator(48, 0, Phrasings.TRAIN, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxShapes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorldGenerator(16, Phrasings.TRAIN, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 24");
    }

    @Test
    void sameKindDistractorsMakeScenesThatOnlyColourOrSizeDisambiguate() {
        List<Sample> plain = new WorldGenerator(48, Phrasings.TRAIN, 5).next(300);
        List<Sample> hard = new WorldGenerator(48, Phrasings.TRAIN, 5).sameKindDistractors(1).next(300);
        assertThat(sameKindShare(hard)).isEqualTo(1.0);
        assertThat(sameKindShare(plain)).isLessThan(0.6);
        // probability 0 is the plain world, sample for sample (the pinned evaluation splits depend on it)
        List<Sample> zero = new WorldGenerator(48, Phrasings.TRAIN, 5).sameKindDistractors(0).next(300);
        for (int i = 0; i < plain.size(); i++) {
            assertThat(zero.get(i).instruction()).isEqualTo(plain.get(i).instruction());
            assertThat(zero.get(i).answer()).isEqualTo(plain.get(i).answer());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorldGenerator(48, Phrasings.TRAIN, 5)
                .sameKindDistractors(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
    }

    @Test
    void fillersAddOneFillerWordAndLeaveTheSamplesOtherwiseAsTheyWere() {
        List<Sample> plain = new WorldGenerator(48, Phrasings.TRAIN, 5).next(400);
        List<Sample> filled = new WorldGenerator(48, Phrasings.TRAIN, 5).fillers(0.5).next(400);
        int changed = 0;
        for (int i = 0; i < plain.size(); i++) {
            Sample p = plain.get(i);
            Sample f = filled.get(i);
            assertThat(f.answer()).isEqualTo(p.answer());
            assertThat(f.task()).isEqualTo(p.task());
            if (!f.instruction().equals(p.instruction())) {
                changed++;
                assertThat(withOneFiller(p.instruction())).as("fillers of '%s'", p.instruction())
                        .contains(f.instruction());
            }
        }
        assertThat(changed).isBetween(160, 240);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorldGenerator(48, Phrasings.TRAIN, 5)
                .fillers(-0.1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
    }

    @Test
    void fillerWordsAppearInNoHeldOutPhrasingAndTheTokenizerKnowsThem() {
        Set<String> testWords = words(Phrasings.TEST);
        Set<String> fillerWords = new HashSet<>();
        for (List<String> fillers : List.of(Phrasings.FILLER_PREFIXES, Phrasings.FILLER_SUFFIXES)) {
            fillers.forEach(f -> fillerWords.addAll(List.of(f.split("\\s+"))));
        }
        assertThat(Phrasings.FILLER_WORDS).containsExactlyInAnyOrderElementsOf(fillerWords);
        assertThat(testWords).doesNotContainAnyElementsOf(fillerWords);
        assertThat(WorldTokenizer.words()).containsAll(fillerWords);
    }

    @Test
    void withFillerAddsAPrefixOrASuffixBeforeTheQuestionMarkOrNothingAtProbabilityZero() {
        String q = "how many shapes are there ?";
        Set<String> seen = new HashSet<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            seen.add(Phrasings.withFiller(q, 1, rnd));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(withOneFiller(q));
        assertThat(Phrasings.withFiller(q, 0, rnd)).isEqualTo(q);
        assertThat(Phrasings.withFiller("segment the red circle", 1, new java.util.SplittableRandom(1)))
                .isIn(withOneFiller("segment the red circle"));
    }

    /** Every word of the phrasings, placeholders included. */
    private static Set<String> words(java.util.Map<Phrasings.Task, List<String>> phrasings) {
        Set<String> words = new HashSet<>();
        phrasings.values().forEach(list -> list.forEach(p -> words.addAll(List.of(p.split("\\s+")))));
        return words;
    }

    /** Every instruction {@link Phrasings#withFiller} may make of {@code phrase}. */
    private static List<String> withOneFiller(String phrase) {
        List<String> out = new java.util.ArrayList<>();
        Phrasings.FILLER_PREFIXES.forEach(f -> out.add(f + " " + phrase));
        String stem = phrase.endsWith(" ?") ? phrase.substring(0, phrase.length() - 2) : phrase;
        String end = phrase.endsWith(" ?") ? " ?" : "";
        Phrasings.FILLER_SUFFIXES.forEach(f -> out.add(stem + " " + f + end));
        return out;
    }

    /** Fraction of multi-shape scenes whose shapes all share one kind. */
    private static double sameKindShare(List<Sample> samples) {
        long multi = samples.stream().filter(s -> s.scene().shapes().size() > 1).count();
        long same = samples.stream().filter(s -> s.scene().shapes().size() > 1)
                .filter(s -> s.scene().shapes().stream().map(Shape::kind).distinct().count() == 1).count();
        return same / (double) multi;
    }

    @Test
    void taskIdsRoundTrip() {
        for (Phrasings.Task t : Phrasings.Task.values()) {
            assertThat(Phrasings.Task.fromId(t.id())).isEqualTo(t);
        }
        assertThat(Phrasings.Task.COLOUR_OF.id()).isEqualTo("colour_of");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Phrasings.Task.fromId("locate"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
