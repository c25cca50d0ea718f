package io.podtally.k8s.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SimulatedCluster watches during slow lists")
class SimulatedClusterWatchDuringListIT {

    private static final int LISTERS = 4;
    private static final int MUTATIONS = 400;

    @Test
    @DisplayName("node changes return promptly while pod pages are served, and the informer sees each in order")
    void mutationsDoNotWaitForTheWebSocket() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(LISTERS + 1);
        AtomicBoolean listing = new AtomicBoolean(true);
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(20).activePods(60_000).seed(3).start();
                KubernetesClient watching = SimulatedClusterIT.clientFor(sim);
                KubernetesClient listingClient = SimulatedClusterIT.clientFor(sim)) {
            String name = sim.nodeNames().get(7);
            List<String> seen = new CopyOnWriteArrayList<>();
            SharedIndexInformer<Node> informer = watching.nodes().inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Node node) {
                    // the initial list
                }

                @Override
                public void onUpdate(Node old, Node node) {
                    if (name.equals(node.getMetadata().getName())) {
                        seen.add(node.getMetadata().getResourceVersion() + " " + ready(node));
                    }
                }

                @Override
                public void onDelete(Node node, boolean deletedFinalStateUnknown) {
                    // no node is removed here
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openNodeWatches() == 1);

                AtomicInteger pages = new AtomicInteger();
                List<Future<?>> listers = new ArrayList<>();
                for (int i = 0; i < LISTERS; i++) {
                    listers.add(workers.submit(() -> listPods(listingClient, listing, pages)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> pages.get() >= LISTERS);

                List<String> expected = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> mutations = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < MUTATIONS; i++) {
                        boolean ready = i % 2 == 1;
                        sim.setNodeReady(name, ready);
                        expected.add(sim.resourceVersion() + " " + (ready ? "True" : "Unknown"));
                    }
                }, workers);

                await().atMost(Duration.ofSeconds(10)).until(mutations::isDone);
                assertThat(mutations).isCompleted();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).hasSize(MUTATIONS));
                assertThat(seen).containsExactlyElementsOf(expected);
                listing.set(false);
                for (Future<?> lister : listers) {
                    lister.get(10, TimeUnit.SECONDS);
                }
                assertThat(pages.get()).isGreaterThan(LISTERS);
            } finally {
                listing.set(false);
                informer.close();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private static void listPods(KubernetesClient client, AtomicBoolean listing, AtomicInteger pages) {
        String token = null;
        while (listing.get()) {
            PodList page = client.pods().inAnyNamespace()
                    .list(new ListOptionsBuilder().withLimit(100L).withContinue(token).build());
            pages.incrementAndGet();
            token = page.getMetadata().getContinue();
        }
    }

    private static String ready(Node node) {
        return node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus)
                .findFirst()
                .orElse("none");
    }
}
