package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: columns padded to their widest cell, the last column left ragged. Every cell
 * is shown through {@link TerminalText#escape}, so a value from an image (a file name, a label)
 * stays in its own cell on its own row.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = TerminalText.escape(String.valueOf(cells[i]));
    }
    rows.add(r);
    return this;
  }

  void print(PrintStream out) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols - 1; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      sb.setLength(0);
      for (int i = 0; i < cols; i++) {
        sb.append(r[i]);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** Rows a listing can produce twice, the same each time. */
  interface Rows {
    void each(java.util.function.Consumer<Object[]> row) throws java.io.IOException;
  }

  /**
   * Prints as {@link #print} does rows that are produced twice, once to measure the columns and
   * once to print them, so that a listing of millions of rows keeps none of them.
   */
  static void print(PrintStream out, String[] header, Rows rows) throws java.io.IOException {
    int cols = header.length;
    int[] width = new int[cols];
    java.util.function.Consumer<String[]> measure = r -> {
      for (int i = 0; i < cols - 1; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    };
    measure.accept(header);
    rows.each(cells -> measure.accept(new Table(header).row(cells).rows.get(1)));
    StringBuilder sb = new StringBuilder();
    java.util.function.Consumer<String[]> print = r -> {
      sb.setLength(0);
      for (int i = 0; i < cols; i++) {
        sb.append(r[i]);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    };
    print.accept(header);
    rows.each(cells -> print.accept(new Table(header).row(cells).rows.get(1)));
  }
}
