package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

@DisplayName("PodListPageParser")
class PodListPageParserTest {

    private static PodListPageParser.Page parse(String json) {
        return PodListPageParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String pod(String nodeName, String phase) {
        return "{\"metadata\":{\"name\":\"p\",\"labels\":{\"nodeName\":\"decoy\"},\"managedFields\":[{\"fieldsV1\":"
                + "{\"f:spec\":{\"f:nodeName\":{}}}}]},\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[{\"name\":"
                + "\"nodeName\",\"value\":\"decoy\"}]}]" + (nodeName == null ? "" : ",\"nodeName\":\"" + nodeName + "\"")
                + ",\"tolerations\":[]},\"status\":{\"conditions\":[{\"type\":\"Ready\"}],\"phase\":\"" + phase + "\"}}";
    }

    @Test
    @DisplayName("counts items by spec.nodeName, keeps the continue token and remainingItemCount")
    void countsByNode() {
        PodListPageParser.Page page = parse("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":"
                + "\"12\",\"continue\":\"abc\",\"remainingItemCount\":42},\"items\":[" + pod("a", "Running") + ","
                + pod("a", "Pending") + "," + pod("b", "Running") + "," + pod(null, "Pending") + ","
                + pod("", "Pending") + "," + pod("b", "Succeeded") + "," + pod("b", "Failed") + "]}");

        assertThat(page.countsByNode()).containsOnlyKeys("a", "b");
        assertThat(page.countsByNode().get("a")[0]).isEqualTo(2);
        assertThat(page.countsByNode().get("b")[0]).isEqualTo(1);
        assertThat(page.pods()).isEqualTo(5);
        assertThat(page.unscheduled()).isEqualTo(2);
        assertThat(page.inactive()).isEqualTo(2);
        assertThat(page.continueToken()).isEqualTo("abc");
        assertThat(page.remainingItemCount()).isEqualTo(42);
    }

    @Test
    @DisplayName("reads the last page: no continue token, and metadata after the items")
    void lastPage() {
        PodListPageParser.Page page = parse("{\"items\":[" + pod("a", "Running") + "],\"metadata\":{\"continue\":\"\"}}");

        assertThat(page.continueToken()).isNull();
        assertThat(page.remainingItemCount()).isNull();
        assertThat(page.pods()).isEqualTo(1);
    }

    @Test
    @DisplayName("refuses a page that ends early or is not a pod list")
    void refusesBrokenPages() {
        String page = "{\"metadata\":{},\"items\":[" + pod("a", "Running") + "]}";
        assertThatThrownBy(() -> parse(page.substring(0, page.length() / 2))).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"items\":[1]}")).isInstanceOf(IllegalArgumentException.class);
    }
}
