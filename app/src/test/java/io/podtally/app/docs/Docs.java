package io.podtally.app.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code docs/} folder, found from the working directory. */
final class Docs {

    private Docs() {
    }

    static Path dir() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/configuration.md")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/configuration.md above " + start);
    }

    static String read(String name) {
        return read(dir().resolve(name));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
