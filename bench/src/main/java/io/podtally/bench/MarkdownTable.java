package io.podtally.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Markdown table: the header row, its separator and one line per row, every cell left as given. */
final class MarkdownTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; it has as many cells as the header. */
    MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size()
                    + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    /** How many rows were added. */
    int rowCount() {
        return rows.size();
    }

    /** The table's lines, each ending with a line break. */
    String render() {
        StringBuilder out = new StringBuilder();
        line(out, header);
        out.append('|').append("---|".repeat(header.size())).append('\n');
        rows.forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(cell.isEmpty() ? " " : " " + cell + " ").append('|');
        }
        out.append('\n');
    }
}
