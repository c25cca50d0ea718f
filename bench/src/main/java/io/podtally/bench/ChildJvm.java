package io.podtally.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the benchmark in a JVM of its own, to completion, and reads what it wrote. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Runs {@code mainClass} with {@code args} followed by the path of the properties file it must
     * write, and returns that file's content.
     */
    static Properties run(Class<?> mainClass, List<String> jvmArgs, List<String> args, Path workDir, String name,
            Duration deadline) throws IOException, InterruptedException {
        Path output = workDir.resolve(name + ".properties");
        Files.deleteIfExists(output);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dlogback.configurationFile=bench-logback.xml");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        command.add(output.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile())
                .start();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(name + " did not finish within " + deadline + "; see " + name + ".log");
        }
        if (process.exitValue() != 0 || !Files.exists(output)) {
            throw new IOException(name + " failed (exit " + process.exitValue() + "); see " + name + ".log");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
