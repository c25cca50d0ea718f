package io.podtally.app.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root, which holds the chart and the compose file, from the working directory. */
final class RepositoryRoot {

    private RepositoryRoot() {
    }

    static Path find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("charts/podtally/Chart.yaml"))
                    && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (charts/podtally, docker-compose.yml) above " + start);
    }
}
