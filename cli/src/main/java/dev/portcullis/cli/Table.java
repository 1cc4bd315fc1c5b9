package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
    rows.add(escaped(cells));
    return this;
  }

  void print(PrintStream out) {
    int[] width = new int[rows.get(0).length];
    rows.forEach(r -> measure(width, r));
    StringBuilder sb = new StringBuilder();
    rows.forEach(r -> printRow(out, sb, width, r));
  }

  /** Rows a listing can produce twice, the same each time. */
  interface Rows {
    void each(Consumer<Object[]> row) throws IOException;
  }

  /**
   * Prints as {@link #print} does rows that are produced twice, once to measure the columns and
   * once to print them, so that a listing of millions of rows keeps none of them.
   */
  static void print(PrintStream out, String[] header, Rows rows) throws IOException {
    int[] width = new int[header.length];
    measure(width, header);
    rows.each(cells -> measure(width, escaped(cells)));
    StringBuilder sb = new StringBuilder();
    printRow(out, sb, width, header);
    rows.each(cells -> printRow(out, sb, width, escaped(cells)));
  }

  private static String[] escaped(Object[] cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = TerminalText.escape(String.valueOf(cells[i]));
    }
    return r;
  }

  private static void measure(int[] width, String[] r) {
    for (int i = 0; i < width.length - 1; i++) {
      width[i] = Math.max(width[i], r[i].length());
    }
  }

  private static void printRow(PrintStream out, StringBuilder sb, int[] width, String[] r) {
    sb.setLength(0);
    for (int i = 0; i < width.length; i++) {
      sb.append(r[i]);
      if (i < width.length - 1) {
        sb.append(" ".repeat(width[i] - r[i].length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }
}
