package io.podtally.k8s.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("SimulatedCluster pod watches")
@Timeout(60)
class SimulatedClusterPodWatchIT {

    private static final String ACTIVE = "status.phase!=Succeeded,status.phase!=Failed";

    private static final class Recorder implements Watcher<Pod> {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicReference<WatcherException> closed = new AtomicReference<>();

        @Override
        public void eventReceived(Action action, Pod pod) {
            if (action == Action.BOOKMARK) {
                events.add("BOOKMARK " + pod.getMetadata().getResourceVersion());
            } else {
                events.add(action + " " + pod.getSpec().getNodeName() + " " + pod.getStatus().getPhase());
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            closed.set(cause);
        }
    }

    private static ListOptions from(long resourceVersion, boolean bookmarks, Long timeoutSeconds) {
        return new ListOptionsBuilder().withFieldSelector(ACTIVE)
                .withResourceVersion(Long.toString(resourceVersion))
                .withAllowWatchBookmarks(bookmarks)
                .withTimeoutSeconds(timeoutSeconds)
                .build();
    }

    @Test
    @DisplayName("a pod bound to a node is MODIFIED, a deleted one DELETED")
    void scheduledAndDeleted() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100).start();
                KubernetesClient client = SimulatedClusterIT.clientFor(sim)) {
            String node = sim.nodeNames().get(5);
            Recorder recorder = new Recorder();
            try (Watch ignored = client.pods().inAnyNamespace().watch(from(sim.resourceVersion(), false, null), recorder)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
                sim.addUnscheduledPods(1);
                assertThat(sim.schedulePods(node, 1)).isEqualTo(1);
                assertThat(sim.removePods(node, 1)).isEqualTo(1);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.events)
                        .containsExactly("ADDED null Pending", "MODIFIED " + node + " Running",
                                "DELETED " + node + " Running"));
            }
        }
    }

    @Test
    @DisplayName("counts the pod events written to watches, bookmarks not, with the time of the last; and the pods "
            + "answered in list pages")
    void countsEventsSentAndPodsListed() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100).start();
                KubernetesClient client = SimulatedClusterIT.clientFor(sim)) {
            String node = sim.nodeNames().get(3);
            Recorder recorder = new Recorder();
            try (Watch ignored = client.pods().inAnyNamespace().watch(from(sim.resourceVersion(), true, null),
                    recorder)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
                assertThat(sim.podWatchEventsSent()).isZero();
                assertThat(sim.lastPodWatchEventSentNanos()).isZero();
                long before = System.nanoTime();
                sim.addPods(node, 2);
                sim.bookmark();

                await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() == 3);
                assertThat(sim.podWatchEventsSent()).isEqualTo(2);
                assertThat(sim.lastPodWatchEventSentNanos()).isBetween(before, System.nanoTime());
            }
            sim.resetRequestCounts();
            client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(30L).build());
            assertThat(sim.podsListed()).isEqualTo(30);
        }
    }

    @Test
    @DisplayName("sends bookmarks at the current resource version to watches that allowed them, and only to those")
    void bookmarks() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100)
                .bookmarkInterval(Duration.ZERO).start();
                KubernetesClient client = SimulatedClusterIT.clientFor(sim)) {
            Recorder allowing = new Recorder();
            Recorder plain = new Recorder();
            long version = sim.resourceVersion();
            try (Watch a = client.pods().inAnyNamespace().watch(from(version, true, null), allowing);
                    Watch b = client.pods().inAnyNamespace().watch(from(version, false, null), plain)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 2);
                sim.bookmark();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(allowing.events)
                        .containsExactly("BOOKMARK " + sim.resourceVersion()));
                sim.addUnscheduledPods(1);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(plain.events)
                        .containsExactly("ADDED null Pending"));
            }
        }
    }

    @Test
    @DisplayName("ends a watch after its timeoutSeconds; the client resumes it from its last version and misses nothing")
    void timeoutResumes() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100)
                .bookmarkInterval(Duration.ofMillis(100)).start();
                KubernetesClient client = SimulatedClusterIT.clientFor(sim)) {
            String node = sim.nodeNames().get(5);
            Recorder recorder = new Recorder();
            sim.resetRequestCounts();
            try (Watch ignored = client.pods().inAnyNamespace().watch(from(sim.resourceVersion(), true, 1L), recorder)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
                sim.addPods(node, 1);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> sim.requestCounts().get(RequestKind.POD_WATCHES) >= 2 && sim.openPodWatches() == 1);
                sim.addPods(node, 1);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.events)
                        .filteredOn(e -> !e.startsWith("BOOKMARK"))
                        .containsExactly("ADDED " + node + " Running", "ADDED " + node + " Running"));
                assertThat(recorder.closed.get()).isNull();
            }
        }
    }

    @Test
    @DisplayName("after compact, a watch resumed from an older version gets 410 Gone")
    void compactAnswersGone() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100).start();
                KubernetesClient client = SimulatedClusterIT.clientFor(sim)) {
            Recorder recorder = new Recorder();
            try (Watch ignored = client.pods().inAnyNamespace().watch(from(sim.resourceVersion(), false, null), recorder)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
                sim.compact();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.closed.get())
                        .isNotNull()
                        .satisfies(e -> assertThat(e.isHttpGone()).isTrue()));
            }
        }
    }
}
