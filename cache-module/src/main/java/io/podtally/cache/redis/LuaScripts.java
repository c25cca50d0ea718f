package io.podtally.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/** The Lua scripts of the Redis adapters, resources beside this class. */
final class LuaScripts {

    private LuaScripts() {}

    /**
     * The script in resource {@code name}, read now: hold it in a constant.
     *
     * @throws IllegalStateException when the resource is missing
     */
    static <T> RedisScript<T> load(String name, Class<T> resultType) {
        try (InputStream in = LuaScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + name + " not found beside " + LuaScripts.class);
            }
            return new DefaultRedisScript<>(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Lua script " + name + " could not be read", e);
        }
    }
}
