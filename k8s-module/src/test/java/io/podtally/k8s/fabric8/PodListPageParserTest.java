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
        assertThat(page.format()).isEqualTo(PodListPageParser.Format.POD_LIST);
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

    private static final String COLUMNS = "\"columnDefinitions\":[{\"name\":\"Name\",\"type\":\"string\",\"format\":"
            + "\"name\",\"description\":\"Node is not this column\",\"priority\":0},{\"name\":\"Status\",\"type\":"
            + "\"string\",\"priority\":0},{\"name\":\"Node\",\"type\":\"string\",\"priority\":1},"
            + "{\"name\":\"Nominated Node\",\"type\":\"string\",\"priority\":1}]";

    private static String row(String nodeCell) {
        return "{\"cells\":[\"web-1\",{\"nested\":[\"Node\"]}," + nodeCell + ",\"node-z\"],\"object\":{\"kind\":"
                + "\"PartialObjectMetadata\",\"metadata\":{\"name\":\"web-1\",\"labels\":{\"Node\":\"decoy\"}}}}";
    }

    @Test
    @DisplayName("counts table rows by the cell of the Node column, wherever that column is")
    void countsTableRows() {
        PodListPageParser.Page page = parse("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
                + "{\"resourceVersion\":\"7\",\"continue\":\"next\",\"remainingItemCount\":9}," + COLUMNS
                + ",\"rows\":[" + row("\"a\"") + "," + row("\"a\"") + "," + row("\"b\"") + "," + row("\"<none>\"") + ","
                + row("\"\"") + "," + row("null") + "]}");

        assertThat(page.format()).isEqualTo(PodListPageParser.Format.TABLE);
        assertThat(page.countsByNode()).containsOnlyKeys("a", "b");
        assertThat(page.countsByNode().get("a")[0]).isEqualTo(2);
        assertThat(page.countsByNode().get("b")[0]).isEqualTo(1);
        assertThat(page.pods()).isEqualTo(6);
        assertThat(page.unscheduled()).isEqualTo(3);
        assertThat(page.inactive()).isZero();
        assertThat(page.continueToken()).isEqualTo("next");
        assertThat(page.remainingItemCount()).isEqualTo(9);
    }

    @Test
    @DisplayName("reads an empty last table page")
    void emptyTable() {
        PodListPageParser.Page page = parse("{\"kind\":\"Table\",\"metadata\":{\"continue\":\"\"}," + COLUMNS
                + ",\"rows\":[]}");

        assertThat(page.format()).isEqualTo(PodListPageParser.Format.TABLE);
        assertThat(page.pods()).isZero();
        assertThat(page.continueToken()).isNull();
    }

    @Test
    @DisplayName("refuses a table it cannot read rather than guess: rows before columns, no Node column or cell")
    void refusesUnreadableTables() {
        assertThatThrownBy(() -> parse("{\"kind\":\"Table\",\"rows\":[" + row("\"a\"") + "]," + COLUMNS + "}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows come before its columnDefinitions");
        assertThatThrownBy(() -> parse("{\"kind\":\"Table\",\"columnDefinitions\":[{\"name\":\"Name\"}],\"rows\":["
                + row("\"a\"") + "]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a Node column");
        assertThatThrownBy(() -> parse("{\"kind\":\"Table\"," + COLUMNS + ",\"rows\":[{\"cells\":[\"web-1\"]}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a Node cell");
        assertThatThrownBy(() -> parse("{\"kind\":\"Table\"," + COLUMNS + ",\"rows\":[{\"cells\":[\"w\",\"R\",7]}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Node cell is");
        assertThatThrownBy(() -> parse("{\"kind\":\"PodList\"," + COLUMNS + ",\"rows\":[]}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"kind\":\"Table\",\"items\":[]}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"kind\":\"Status\",\"status\":\"Failure\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind Status");
    }
}
