package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SlimPodStore")
class SlimPodStoreTest {

    @Test
    @DisplayName("counts per node follow puts, moves and removals, in any order, as a map of pods would")
    void followsAMapOfPods() {
        SlimPodStore store = new SlimPodStore();
        Map<String, String> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            String key = "uid-" + random.nextInt(20_000);
            int choice = random.nextInt(10);
            if (choice < 3) {
                store.remove(key);
                expected.remove(key);
            } else {
                String node = choice == 9 ? null : "node-" + random.nextInt(50);
                store.put(key, node);
                expected.put(key, node);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        expected.values().stream().filter(n -> n != null).forEach(n -> counts.merge(n, 1, Integer::sum));
        assertThat(store.countsByNode()).isEqualTo(counts);
        assertThat(store.pods()).isEqualTo(expected.size());
        assertThat(store.unscheduled()).isEqualTo((int) expected.values().stream().filter(n -> n == null).count());
    }

    @Test
    @DisplayName("a node whose last pod goes has no count")
    void emptyNodeGoes() {
        SlimPodStore store = new SlimPodStore();
        store.put("a", "node-1");
        store.put("b", "node-2");
        store.remove("a");
        store.remove("unknown");
        assertThat(store.countsByNode()).containsExactly(Map.entry("node-2", 1));
    }
}
