package io.beastmode.cli;

import java.util.ArrayList;
import java.util.List;

/** Aligned plain-text tables for people (the {@code --json} output is for scripts). */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[columns];
        for (int i = 0; i < columns; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    String render() {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        int total = 0;
        for (int w : width) {
            total += w + 3;
        }
        boolean header = true;
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? r[i] : String.format("%-" + width[i] + "s | ", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (header) {
                sb.append("-".repeat(Math.max(0, total - 3))).append('\n');
                header = false;
            }
        }
        return sb.toString();
    }
}
