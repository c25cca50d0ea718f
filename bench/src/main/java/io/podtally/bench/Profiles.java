package io.podtally.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * CPU profiles of a replica taken with JDK Flight Recorder ({@code jcmd JFR.start}/{@code JFR.stop}
 * around one run) and summed up: the share of execution samples per component (the first frame
 * from the top of the stack that belongs to a known component) and the hottest methods.
 */
final class Profiles {

    private static final Logger log = LoggerFactory.getLogger(Profiles.class);

    /** Components by frame prefix, tried from the top of each stack; the first match wins. */
    private static final Map<String, String> COMPONENTS = components();

    private Profiles() {
    }

    private static Map<String, String> components() {
        Map<String, String> components = new LinkedHashMap<>();
        components.put("java.util.zip.", "gzip (java.util.zip)");
        components.put("io.lettuce.", "Redis client (Lettuce)");
        components.put("org.springframework.data.redis.", "Redis client (Spring Data Redis)");
        components.put("io.podtally.cache.redis.", "Redis store (podtally)");
        components.put("tools.jackson.", "JSON (Jackson)");
        components.put("com.fasterxml.jackson.", "JSON (Jackson)");
        components.put("java.util.TimSort", "sorting");
        components.put("java.util.ComparableTimSort", "sorting");
        components.put("io.podtally.app.web.", "node list (podtally web)");
        components.put("io.podtally.", "podtally other");
        components.put("io.fabric8.", "fabric8 client");
        components.put("io.vertx.", "Vert.x");
        components.put("io.netty.", "Netty");
        components.put("org.apache.catalina.", "Tomcat");
        components.put("org.apache.coyote.", "Tomcat");
        components.put("org.apache.tomcat.", "Tomcat");
        components.put("org.springframework.", "Spring");
        components.put("sun.nio.", "network I/O");
        components.put("java.", "JDK other");
        return components;
    }

    static void start(Replica replica, String name) throws IOException, InterruptedException {
        jcmd(replica, "JFR.start", "name=" + name, "settings=profile");
    }

    /** Stops the recording into {@code file} and sums it up. */
    static Results.Profile stop(Replica replica, String name, Path file, String scenario)
            throws IOException, InterruptedException {
        jcmd(replica, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
        Map<String, Integer> byComponent = new LinkedHashMap<>();
        Map<String, Integer> byMethod = new LinkedHashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            byMethod.merge(method(frames.get(0)), 1, Integer::sum);
            byComponent.merge(component(frames), 1, Integer::sum);
        }
        return new Results.Profile(replica.name(), scenario, samples, top(byComponent, 12), top(byMethod, 12));
    }

    private static String component(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String method = method(frame);
            for (Map.Entry<String, String> component : COMPONENTS.entrySet()) {
                if (method.startsWith(component.getKey()) && !component.getKey().equals("java.")) {
                    return component.getValue();
                }
            }
        }
        return method(frames.get(0)).startsWith("java.") ? "JDK other" : "other";
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int limit) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        return List.copyOf(sorted.subList(0, Math.min(limit, sorted.size())));
    }

    private static void jcmd(Replica replica, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(replica.pid()));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " failed for " + replica.name());
        }
        log.debug("jcmd {} on {}", command[0], replica.name());
    }
}
