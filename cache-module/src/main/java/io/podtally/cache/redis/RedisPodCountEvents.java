package io.podtally.cache.redis;

import io.podtally.cache.Listeners;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountEvents;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link PodCountEvents} over the Redis pub/sub channel {@code podtally:events}: messages are
 * {@code {"cluster":C,"generation":n,"reason":"write|invalidate"}}. Publishing is one
 * {@code PUBLISH}; listening goes through a {@link RedisMessageListenerContainer}, which
 * resubscribes by itself after Redis comes back.
 */
public final class RedisPodCountEvents implements PodCountEvents {

    /** The channel of change events. */
    public static final String CHANNEL = "podtally:events";

    private static final Logger log = LoggerFactory.getLogger(RedisPodCountEvents.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer container;
    private final boolean ownsContainer;
    private final List<Consumer<PodCountEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Listens through a container of its own on the template's connection factory, started here. */
    public RedisPodCountEvents(StringRedisTemplate redis) {
        this(redis, newContainer(redis), true);
    }

    /** Listens through {@code container}, whose life cycle stays with the caller. */
    public RedisPodCountEvents(StringRedisTemplate redis, RedisMessageListenerContainer container) {
        this(redis, container, false);
    }

    private RedisPodCountEvents(
            StringRedisTemplate redis, RedisMessageListenerContainer container, boolean ownsContainer) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.container = Objects.requireNonNull(container, "container");
        this.ownsContainer = ownsContainer;
        container.addMessageListener(this::onMessage, new ChannelTopic(CHANNEL));
        if (ownsContainer) {
            container.start();
        }
    }

    @Override
    public void publish(PodCountEvent event) {
        try {
            redis.convertAndSend(CHANNEL, toJson(event));
        } catch (DataAccessException e) {
            throw RedisErrors.translate("Publishing on " + CHANNEL, e);
        }
    }

    @Override
    public void subscribe(Consumer<PodCountEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Hands {@code event} to this replica's listeners only, without publishing it. */
    void deliverLocally(PodCountEvent event) {
        Listeners.deliver(listeners, event, log);
    }

    @Override
    public void close() {
        listeners.clear();
        if (ownsContainer) {
            container.stop();
            try {
                container.destroy();
            } catch (Exception e) {
                log.warn("Stopping the listener of {} failed: {}", CHANNEL, e.toString());
            }
        }
    }

    /** The wire form of an event. */
    public static String toJson(PodCountEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", event.cluster());
        body.put("generation", event.generation());
        body.put("reason", event.reason().label());
        return JSON.writeValueAsString(body);
    }

    /** The event of a wire form. */
    public static PodCountEvent fromJson(String json) {
        JsonNode node = JSON.readTree(json);
        return new PodCountEvent(
                node.required("cluster").asString(),
                node.path("generation").asLong(0),
                PodCountEvent.Reason.fromLabel(node.path("reason").asString("write")));
    }

    private void onMessage(Message message, byte[] pattern) {
        String body = new String(message.getBody(), StandardCharsets.UTF_8);
        PodCountEvent event;
        try {
            event = fromJson(body);
        } catch (JacksonException | IllegalArgumentException e) {
            log.warn("Ignoring a malformed message on {}: {}", CHANNEL, e.getMessage());
            return;
        }
        Listeners.deliver(listeners, event, log);
    }

    private static RedisMessageListenerContainer newContainer(StringRedisTemplate redis) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(Objects.requireNonNull(redis.getConnectionFactory(), "connectionFactory"));
        container.setRecoveryInterval(1000);
        container.afterPropertiesSet();
        return container;
    }
}
