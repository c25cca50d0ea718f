package io.podtally.app.docs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The diagram source of a PlantUML file, and the source a PlantUML SVG embeds: PlantUML writes the text between
 * {@code @startuml} and {@code @enduml} into a closing {@code <!--SRC=[...]-->} comment, deflated and in its own
 * base64 alphabet (with a space between two {@code -}, which an XML comment may not hold).
 */
final class PlantUmlSource {

    private static final Pattern EMBEDDED = Pattern.compile("<!--SRC=\\[([0-9A-Za-z_ -]+)]-->");
    private static final String PLANTUML = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    private static final String STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private PlantUmlSource() {
    }

    /** The lines of a {@code .puml} file between {@code @startuml} and {@code @enduml}. */
    static String ofPuml(String puml) {
        return puml.lines()
                .dropWhile(line -> !line.strip().startsWith("@startuml"))
                .skip(1)
                .takeWhile(line -> !line.strip().startsWith("@enduml"))
                .collect(Collectors.joining("\n"))
                .strip();
    }

    /** The source an SVG rendered by PlantUML embeds; empty when it embeds none. */
    static Optional<String> ofSvg(String svg) {
        Matcher matcher = EMBEDDED.matcher(svg);
        if (!matcher.find()) {
            return Optional.empty();
        }
        StringBuilder standard = new StringBuilder();
        // a "--" may not stand in an XML comment: PlantUML writes it "- -"
        for (char c : matcher.group(1).replace(" ", "").toCharArray()) {
            standard.append(STANDARD.charAt(PLANTUML.indexOf(c)));
        }
        while (standard.length() % 4 != 0) {
            standard.append('=');
        }
        return Optional.of(inflate(Base64.getDecoder().decode(standard.toString())).strip());
    }

    private static String inflate(byte[] deflated) {
        Inflater inflater = new Inflater(true);
        inflater.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (!inflater.finished() && !inflater.needsInput()) {
                int n = inflater.inflate(buffer);
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("the SVG's embedded PlantUML source is not deflated text", e);
        } finally {
            inflater.end();
        }
        return out.toString(StandardCharsets.UTF_8)
                .replace("\r\n", "\n");
    }
}
