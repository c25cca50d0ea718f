package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("The cheap If-None-Match test before the node list's exact one")
@Timeout(10)
class IfNoneMatchTest {

    private static final String TAG = "W/\"0123456789abcdef0123456789abcdef\"";

    @Test
    @DisplayName("a header naming the tag, weak or strong, alone or in a list, or *, may match")
    void namingTheTagMayMatch() {
        assertThat(NodeController.mayMatch(TAG, TAG)).isTrue();
        assertThat(NodeController.mayMatch("\"0123456789abcdef0123456789abcdef\"", TAG)).isTrue();
        assertThat(NodeController.mayMatch("W/\"other\", " + TAG, TAG)).isTrue();
        assertThat(NodeController.mayMatch(" * ", TAG)).isTrue();
    }

    @Test
    @DisplayName("no header, or one naming other tags only, does not match")
    void otherTagsDoNotMatch() {
        assertThat(NodeController.mayMatch(null, TAG)).isFalse();
        assertThat(NodeController.mayMatch("W/\"fedcba9876543210fedcba9876543210\"", TAG)).isFalse();
    }
}
