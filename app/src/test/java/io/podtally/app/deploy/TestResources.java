package io.podtally.app.deploy;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Files under src/test/resources, as paths for tools that read files. */
final class TestResources {

    private TestResources() {
    }

    static Path path(String name) {
        URL url = TestResources.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad test resource location " + url, e);
        }
    }
}
