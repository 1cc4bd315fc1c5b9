package dev.portcullis.rules;

/**
 * Something that could not be checked, and why: a Dockerfile line that does not parse, malformed
 * YAML, a custom rule that does not compile, a check that failed on an input. The rest of the
 * input is still checked; {@code line} and {@code column} count from 1 and are 0 when unknown.
 */
public record Problem(String file, int line, int column, String message) implements Comparable<Problem> {
  public Problem {
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("bad position " + file + ":" + line + ":" + column);
    }
  }

  /** {@code Dockerfile:3:7: unterminated heredoc EOF}. */
  public String display() {
    return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
  }

  @Override
  public int compareTo(Problem o) {
    int c = file.compareTo(o.file);
    c = c != 0 ? c : Integer.compare(line, o.line);
    c = c != 0 ? c : Integer.compare(column, o.column);
    return c != 0 ? c : message.compareTo(o.message);
  }
}
