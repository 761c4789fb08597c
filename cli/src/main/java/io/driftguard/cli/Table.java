package io.driftguard.cli;

import io.driftguard.text.Printable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table whose columns are as wide as their widest cell; cells are shown printable (stored values too). */
final class Table {

  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  void row(String... cells) {
    rows.add(Arrays.stream(cells).map(Printable::clean).toArray(String[]::new));
  }

  void print(PrintStream out) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.length; i++) {
        line.append(' ').append(String.format("%-" + widths[i] + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
