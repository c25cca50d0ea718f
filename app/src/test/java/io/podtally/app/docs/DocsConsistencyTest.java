package io.podtally.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("the operator's documentation names exactly what the product has")
class DocsConsistencyTest {

    private static final Pattern LINK = Pattern.compile("]\\(([^)#\\s]+)(#[^)\\s]*)?\\)");

    @Test
    @DisplayName("docs/configuration.md documents every podtally property of the configuration metadata, and no other")
    void configurationMatchesMetadata() {
        Set<String> metadata = new TreeSet<>(ConfigurationMetadata.properties(ConfigurationMetadata.GENERATED));
        metadata.addAll(ConfigurationMetadata.properties(ConfigurationMetadata.ADDITIONAL));
        Set<String> documented = ConfigurationDoc.properties(Docs.read("configuration.md"));

        assertThat(metadata).as("podtally properties in the configuration metadata").isNotEmpty();
        assertThat(difference(metadata, documented))
                .as("properties in the configuration metadata that docs/configuration.md does not document "
                        + "(a table row whose first column names the property in backticks)")
                .isEmpty();
        assertThat(difference(documented, metadata))
                .as("properties docs/configuration.md documents that the configuration metadata does not have")
                .isEmpty();
    }

    @Test
    @Timeout(120)
    @DisplayName("docs/api.md names every endpoint under /api/ of the served OpenAPI description, and no other")
    void apiMatchesOpenApi() throws Exception {
        Set<String> served = OpenApiEndpoints.served();
        Set<String> documented = ApiDoc.endpoints(Docs.read("api.md"));

        assertThat(served).as("endpoints under /api/ in /v3/api-docs").isNotEmpty();
        assertThat(difference(served, documented))
                .as("endpoints in /v3/api-docs that docs/api.md does not name (as `METHOD /api/...`)")
                .isEmpty();
        assertThat(difference(documented, served))
                .as("endpoints docs/api.md names that /v3/api-docs does not have")
                .isEmpty();
    }

    @Test
    @DisplayName("every diagram source in docs/diagrams has its SVG beside it, rendered from that very source")
    void diagramsAreRendered() throws IOException {
        Path diagrams = Docs.dir().resolve("diagrams");
        List<Path> sources;
        try (Stream<Path> files = Files.list(diagrams)) {
            sources = files.filter(file -> file.getFileName().toString().endsWith(".puml")).sorted().toList();
        }
        assertThat(sources).as("PlantUML sources in docs/diagrams").isNotEmpty();
        for (Path source : sources) {
            String name = source.getFileName().toString();
            Path svg = diagrams.resolve(name.substring(0, name.length() - ".puml".length()) + ".svg");
            assertThat(svg).as("the SVG of %s (docs/diagrams/render.sh renders it)", name).isRegularFile();
            assertThat(PlantUmlSource.ofSvg(Docs.read(svg)))
                    .as("the source %s embeds: run docs/diagrams/render.sh after editing %s", svg.getFileName(), name)
                    .contains(PlantUmlSource.ofPuml(Docs.read(source)));
        }
    }

    @Test
    @DisplayName("every relative link and image of README.md and docs/*.md points to a file of the repository")
    void relativeLinksResolve() throws IOException {
        Path docs = Docs.dir();
        List<Path> pages = new ArrayList<>(List.of(docs.getParent().resolve("README.md")));
        try (Stream<Path> files = Files.list(docs)) {
            files.filter(file -> file.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher link = LINK.matcher(Docs.read(page));
            while (link.find()) {
                String target = link.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:")
                        && !Files.exists(page.getParent().resolve(target))) {
                    broken.add(page.getFileName() + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    private static Set<String> difference(Set<String> of, Set<String> without) {
        Set<String> left = new TreeSet<>(of);
        left.removeAll(without);
        return left;
    }
}
