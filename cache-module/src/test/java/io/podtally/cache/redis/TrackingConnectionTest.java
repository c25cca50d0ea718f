package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TrackingConnection: which invalidated keys are pod-count hashes")
class TrackingConnectionTest {

    @Test
    @DisplayName("a pod-count hash names its cluster; locks, leases and other keys name none")
    void clusterOf() {
        assertThat(TrackingConnection.clusterOf(RedisPodCountStore.key("prod-eu"))).isEqualTo("prod-eu");
        assertThat(TrackingConnection.clusterOf(RedisPodCountStore.key("arn:aws:eks:eu-west-1:1:cluster/a")))
                .isEqualTo("arn:aws:eks:eu-west-1:1:cluster/a");
        assertThat(TrackingConnection.clusterOf("podtally:{prod-eu}:refresh-lock")).isNull();
        assertThat(TrackingConnection.clusterOf("podtally:{prod-eu}:watch-lease")).isNull();
        assertThat(TrackingConnection.clusterOf(RedisRecentClusters.KEY)).isNull();
        assertThat(TrackingConnection.clusterOf("podtally:{}:podcounts")).isNull();
        assertThat(TrackingConnection.clusterOf(null)).isNull();
    }
}
