package io.podtally.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Cluster names")
class ClusterNamesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod-eu-1", "kind-kind", "arn:aws:eks:eu-west-1:123456789012:cluster/prod",
            "gke_project_zone_name", "user@cluster", "minikube", "in-cluster", "a", "docker-desktop", "ctx.v2"})
    @DisplayName("accepts what kubeconfig contexts are called in practice")
    void acceptsContextNames(String name) {
        assertThat(ClusterNames.isValid(name)).isTrue();
        assertThat(ClusterNames.requireValid(name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"prod cluster", "{prod}", "prod}", "pro{d", "*", "prod*", "prod\n", "line\nbreak", "-prod",
            ".hidden", "/root", "tab\tname", "prod\u0000", "naïve", "prod;rm", "a\"b", "a'b", "a\\b"})
    @DisplayName("refuses names with spaces, braces, wildcards, control characters or a leading symbol")
    void refusesBadNames(String name) {
        assertThat(ClusterNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> ClusterNames.requireValid(name))
                .isInstanceOf(InvalidClusterNameException.class)
                .hasMessageContaining("may contain only");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @DisplayName("refuses a missing name")
    void refusesMissingName(String name) {
        assertThat(ClusterNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> ClusterNames.requireValid(name))
                .isInstanceOf(InvalidClusterNameException.class)
                .hasMessage("cluster name is missing");
    }

    @Test
    @DisplayName("accepts names up to the maximum length and refuses longer ones")
    void boundsLength() {
        String longest = "c".repeat(ClusterNames.MAX_LENGTH);
        assertThat(ClusterNames.isValid(longest)).isTrue();
        assertThat(ClusterNames.isValid(longest + "c")).isFalse();
        assertThatThrownBy(() -> ClusterNames.requireValid(longest + "c"))
                .isInstanceOf(InvalidClusterNameException.class)
                .hasMessageContaining("longer than " + ClusterNames.MAX_LENGTH);
    }
}
