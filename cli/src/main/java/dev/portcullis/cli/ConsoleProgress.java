package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress on stderr: a bar redrawn in place per task when stderr is a terminal, nothing when it
 * is not (logs stay clean); warnings always, one line each, escaped by {@link TerminalText} since
 * they quote what images hold.
 */
final class ConsoleProgress implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final boolean terminal;
  private final ConcurrentHashMap<String, Long> totals = new ConcurrentHashMap<>();

  ConsoleProgress(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public void started(String task, long total) {
    totals.put(task, total);
    advanced(task, 0);
  }

  @Override
  public synchronized void advanced(String task, long done) {
    if (!terminal) {
      return;
    }
    long total = totals.getOrDefault(task, -1L);
    String bar;
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, done * WIDTH / total);
      bar = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + String.format(Locale.ROOT, "%5.1f%%", 100.0 * Math.min(done, total) / total);
    } else {
      bar = "";
    }
    err.print("\r\033[K" + TerminalText.escape(task) + " " + bar + " " + human(done) + (total > 0 ? "/" + human(total) : ""));
    err.flush();
  }

  @Override
  public synchronized void finished(String task) {
    totals.remove(task);
    if (terminal) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  @Override
  public synchronized void warn(String message) {
    if (terminal) {
      err.print("\r\033[K");
    }
    err.println("portcullis: warning: " + TerminalText.escape(message));
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
