package io.unimllm.experts.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CocoClassesTest {
    private static int id(String name) {
        return CocoClasses.NAMES.indexOf(name);
    }

    @Test
    void hasTheEightyCocoClassesInModelOrder() {
        assertThat(CocoClasses.count()).isEqualTo(80);
        assertThat(CocoClasses.name(0)).isEqualTo("person");
        assertThat(CocoClasses.name(15)).isEqualTo("cat");
        assertThat(CocoClasses.name(79)).isEqualTo("toothbrush");
        assertThatThrownBy(() -> CocoClasses.name(80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("80");
    }

    @Test
    void findsNamesPluralsAndSynonymsAsWholeWords() {
        assertThat(CocoClasses.mentionedIn("cat")).containsExactly(id("cat"));
        assertThat(CocoClasses.mentionedIn("Find all the PEOPLE and the dogs!")).containsExactly(id("person"),
                id("dog"));
        assertThat(CocoClasses.mentionedIn("the kitten on the sofa")).containsExactly(id("cat"), id("couch"));
        assertThat(CocoClasses.mentionedIn("two buses")).containsExactly(id("bus"));
        assertThat(CocoClasses.mentionedIn("concatenate")).isEmpty();
    }

    @Test
    void prefersLongerPhrasesOverTheWordsInside() {
        assertThat(CocoClasses.mentionedIn("a hot dog")).containsExactly(id("hot dog"));
        assertThat(CocoClasses.mentionedIn("teddy bears")).containsExactly(id("teddy bear"));
        assertThat(CocoClasses.mentionedIn("a teddy bear and a bear")).containsExactly(id("bear"), id("teddy bear"));
    }

    @Test
    void namesNothingForBlankOrUnrelatedText() {
        assertThat(CocoClasses.mentionedIn("")).isEmpty();
        assertThat(CocoClasses.mentionedIn(null)).isEmpty();
        assertThat(CocoClasses.mentionedIn("detect everything")).isEmpty();
    }
}
