package io.podtally.app.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code podtally.*} properties of the configuration metadata on the class path: the file the configuration
 * processor generates from the properties records, and the hand-written additional metadata.
 */
final class ConfigurationMetadata {

    static final String GENERATED = "META-INF/spring-configuration-metadata.json";
    static final String ADDITIONAL = "META-INF/additional-spring-configuration-metadata.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigurationMetadata() {
    }

    /** The podtally properties of every metadata file named {@code resource} on the class path. */
    static Set<String> properties(String resource) {
        Set<String> properties = new TreeSet<>();
        try {
            Enumeration<URL> files = ConfigurationMetadata.class.getClassLoader().getResources(resource);
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream()) {
                    JsonNode list = JSON.readTree(in).path("properties");
                    for (JsonNode property : list) {
                        String name = property.path("name").asString();
                        if (name.startsWith("podtally.")) {
                            properties.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
