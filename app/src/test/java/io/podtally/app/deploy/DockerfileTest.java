package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("app/Dockerfile and .dockerignore")
class DockerfileTest {

    private static final Path ROOT = RepositoryRoot.find();

    @Test
    @DisplayName("builds from the packaged jar on a pinned JRE 17 image, split into Spring Boot's layers")
    void layersThePackagedJar() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("app/Dockerfile"));

        assertThat(dockerfile).containsPattern("(?m)^ARG JRE_IMAGE=eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre-\\w+$");
        assertThat(dockerfile).containsPattern("(?m)^COPY app/target/podtally\\.jar ");
        assertThat(dockerfile).contains("java -Djarmode=tools -jar podtally.jar extract --layers");
        List<String> layers = Pattern.compile("(?m)^COPY --from=extract /build/extracted/([a-z-]+)/ \\./$")
                .matcher(dockerfile).results().map(m -> m.group(1)).toList();
        assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
    }

    @Test
    @DisplayName("runs as a numeric non-root user, exposes 8080 and checks the actuator liveness group")
    void runsNonRootWithHealthCheck() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("app/Dockerfile"));

        assertThat(dockerfile).containsPattern("(?m)^ARG PODTALLY_UID=(\\d+)$");
        assertThat(dockerfile).containsPattern("(?m)^USER \\$\\{PODTALLY_UID}:\\$\\{PODTALLY_UID}$");
        assertThat(dockerfile).doesNotContainPattern("(?m)^ARG PODTALLY_UID=0$");
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE 8080$");
        assertThat(dockerfile)
                .containsPattern("(?s)HEALTHCHECK .*CMD curl -fsS [^\\n]*http://127\\.0\\.0\\.1:8080/actuator/health/liveness");
        assertThat(dockerfile).contains("\"-XX:MaxRAMPercentage=75.0\"");
    }

    @Test
    @DisplayName("sends only the packaged jar to the build context")
    void ignoresEverythingButTheJar() throws IOException {
        List<String> rules = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();

        assertThat(rules).containsExactly("*", "!app/target/podtally.jar");
    }
}
