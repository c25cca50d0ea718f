package io.podtally.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.podtally.cache.PodCountSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class PropertiesValidationTest {

    @Test
    @DisplayName("pod-count defaults are those of the design")
    void podCountDefaults() {
        PodCountProperties props = bind(Map.of(), "podtally.podcounts", PodCountProperties.class);

        assertThat(props.freshFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(props.staleFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(props.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(props.pageSize()).isEqualTo(1000);
        assertThat(props.pageTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(props.maxPages()).isEqualTo(500);
        assertThat(props.refreshDeadline()).isEqualTo(Duration.ofMinutes(8));
        assertThat(props.refreshDeadline()).as("shorter than stale-for").isLessThan(props.staleFor());
        assertThat(props.cacheSettings().refreshDeadline()).isEqualTo(props.refreshDeadline());
    }

    @Test
    @DisplayName("a refresh-deadline not shorter than stale-for is accepted with a WARN naming both")
    void refreshDeadlineNotShorterThanStaleFor() {
        Logger logger = (Logger) LoggerFactory.getLogger(PodCountProperties.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            PodCountProperties props = bind(Map.of("podtally.podcounts.refresh-deadline", "10m"), "podtally.podcounts",
                    PodCountProperties.class);

            assertThat(props.cacheSettings().refreshDeadline()).isEqualTo(Duration.ofMinutes(10));
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("refresh-deadline (PT10M)").contains("stale-for (PT10M)");
        });
    }

    @Test
    @DisplayName("stale-for not longer than fresh-for is refused with a message naming both")
    void staleMustExceedFresh() {
        assertThatThrownBy(() -> bind(Map.of("podtally.podcounts.fresh-for", "10m", "podtally.podcounts.stale-for", "5m"),
                "podtally.podcounts", PodCountProperties.class))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("podtally.podcounts.stale-for (PT5M) must be longer than podtally.podcounts.fresh-for (PT10M)");
    }

    @Test
    @DisplayName("a page size out of range is refused")
    void pageSizeRange() {
        assertThatThrownBy(() -> bind(Map.of("podtally.podcounts.page-size", "0"), "podtally.podcounts",
                PodCountProperties.class))
                .rootCause()
                .hasMessageContaining("podtally.podcounts.page-size must be between 1 and 10000, was 0");
    }

    @Test
    @DisplayName("warm-up-max-clusters: no limit by default, passed to the cache when set")
    void warmUpMaxClusters() {
        assertThat(bind(Map.of(), "podtally.podcounts", PodCountProperties.class).cacheSettings().warmUpMaxClusters())
                .isEqualTo(PodCountSettings.NO_WARM_UP_LIMIT);
        PodCountProperties limited = bind(Map.of("podtally.podcounts.warm-up-max-clusters", "25"),
                "podtally.podcounts", PodCountProperties.class);
        assertThat(limited.warmUpMaxClusters()).isEqualTo(25);
        assertThat(limited.cacheSettings().warmUpMaxClusters()).isEqualTo(25);
    }

    @Test
    @DisplayName("warm-up-max-clusters set to 0 or less is refused with a message naming it")
    void warmUpMaxClustersPositive() {
        for (String value : List.of("0", "-3")) {
            assertThatThrownBy(() -> bind(Map.of("podtally.podcounts.warm-up-max-clusters", value),
                    "podtally.podcounts", PodCountProperties.class))
                    .isInstanceOf(BindException.class)
                    .rootCause()
                    .hasMessageContaining("podtally.podcounts.warm-up-max-clusters must be positive when set, was "
                            + value);
        }
    }

    @Test
    @DisplayName("backoff-max shorter than backoff-initial, and a negative warm-up-spread, are refused naming them")
    void backoffAndSpread() {
        assertThatThrownBy(() -> bind(Map.of("podtally.podcounts.backoff-initial", "2m",
                "podtally.podcounts.backoff-max", "1m"), "podtally.podcounts", PodCountProperties.class))
                .rootCause()
                .hasMessageContaining("podtally.podcounts.backoff-max (PT1M) must not be shorter than "
                        + "podtally.podcounts.backoff-initial (PT2M)");
        assertThatThrownBy(() -> bind(Map.of("podtally.podcounts.warm-up-spread", "-1s"), "podtally.podcounts",
                PodCountProperties.class))
                .rootCause()
                .hasMessageContaining("podtally.podcounts.warm-up-spread must not be negative");
    }

    @Test
    @DisplayName("the cache settings carry the bound values, and the cache's own defaults for the rest")
    void cacheSettings() {
        PodCountSettings settings = bind(Map.of("podtally.podcounts.fresh-for", "1m",
                "podtally.podcounts.stale-for", "2m", "podtally.podcounts.warm-up-spread", "3s",
                "podtally.podcounts.refresh-threads", "7"), "podtally.podcounts", PodCountProperties.class)
                .cacheSettings();

        assertThat(settings.freshFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.staleFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.warmUpSpread()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.refreshThreads()).isEqualTo(7);
        assertThat(settings.refreshQueue()).isEqualTo(PodCountSettings.defaults().refreshQueue());
        assertThat(settings.askedFlushInterval()).isEqualTo(PodCountSettings.defaults().askedFlushInterval());
    }

    @Test
    @DisplayName("kubeconfig not set is told apart from kubeconfig set to nothing")
    void kubeconfigUnsetVersusEmpty() {
        assertThat(bind(Map.of(), "podtally.clusters", ClusterProperties.class).kubeconfigConfigured()).isFalse();
        ClusterProperties empty = bind(Map.of("podtally.clusters.kubeconfig", ""), "podtally.clusters",
                ClusterProperties.class);
        assertThat(empty.kubeconfigConfigured()).isTrue();
        assertThat(empty.kubeconfig()).isEmpty();
    }

    @Test
    @DisplayName("demo.enabled accepts auto, true and false; presets default to incident and large")
    void demo() {
        assertThat(bind(Map.of(), "podtally.demo", DemoProperties.class))
                .isEqualTo(new DemoProperties(DemoProperties.Enabled.AUTO,
                        List.of(DemoProperties.Preset.INCIDENT, DemoProperties.Preset.LARGE)));
        assertThat(bind(Map.of("podtally.demo.enabled", "true"), "podtally.demo", DemoProperties.class).enabled())
                .isEqualTo(DemoProperties.Enabled.ON);
        assertThat(bind(Map.of("podtally.demo.enabled", "false"), "podtally.demo", DemoProperties.class).enabled())
                .isEqualTo(DemoProperties.Enabled.OFF);
    }

    @Test
    @DisplayName("store=auto tries Redis again after 5 s, then at most every 30 s; a maximum below the first wait is refused")
    void storeRetry() {
        PodtallyProperties defaults = bind(Map.of(), "podtally", PodtallyProperties.class);

        assertThat(defaults.store()).isEqualTo(PodtallyProperties.StoreMode.AUTO);
        assertThat(defaults.storeRetryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.storeRetryMaxInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> bind(Map.of("podtally.store-retry-interval", "10s",
                "podtally.store-retry-max-interval", "5s"), "podtally", PodtallyProperties.class))
                .rootCause()
                .hasMessageContaining("podtally.store-retry-max-interval (PT5S) must not be shorter than "
                        + "podtally.store-retry-interval (PT10S)");
    }

    @Test
    @DisplayName("the admin token never shows in toString")
    void tokenHidden() {
        assertThat(new AdminProperties("s3cret").toString()).doesNotContain("s3cret");
    }

    private static <T> T bind(Map<String, String> values, String prefix, Class<T> type) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, Bindable.of(type));
    }
}
