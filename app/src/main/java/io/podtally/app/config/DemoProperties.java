package io.podtally.app.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo mode: simulated clusters served in-process on loopback ports.
 *
 * @param enabled {@code auto} (on when no cluster is configured), {@code true} or {@code false}
 * @param presets the simulated clusters, each named after its preset: {@code incident} (104 nodes, 2,613 active
 *     pods, slow pod pages) and {@code large} (5,000 nodes, 150,000 pods)
 */
@ConfigurationProperties("podtally.demo")
public record DemoProperties(
        @DefaultValue("auto") Enabled enabled,
        @DefaultValue({"incident", "large"}) List<Preset> presets) {

    public DemoProperties {
        presets = List.copyOf(presets);
        if (presets.size() != presets.stream().distinct().count()) {
            throw new IllegalArgumentException("podtally.demo.presets lists a preset twice: " + presets);
        }
    }

    /** Whether the demo runs. {@code true}/{@code false} bind to {@link #ON}/{@link #OFF}. */
    public enum Enabled {
        /** On when no cluster is configured. */
        AUTO,
        /** Always on, next to configured clusters. */
        ON,
        /** Never. */
        OFF
    }

    /** A simulated cluster shape. */
    public enum Preset {
        /** 104 nodes, 2,613 active pods, slow pod pages (the incident that started podtally). */
        INCIDENT,
        /** 5,000 nodes, 150,000 pods. */
        LARGE;

        /** The cluster name the preset is served under. */
        public String clusterName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
