package dev.portcullis.server.work;

import dev.portcullis.core.TerminalText;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

/** The server's log: one line per event, with the time, on one stream; text from outside is escaped. */
public final class ServerLog {
  private final PrintStream out;
  private final Clock clock;

  public ServerLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  public void info(String message) {
    line("INFO", message);
  }

  public void warn(String message) {
    line("WARN", message);
  }

  private void line(String level, String message) {
    String text = TerminalText.escape(message.replace('\n', ' ').replace('\r', ' '));
    if (text.length() > 2000) {
      text = text.substring(0, 2000) + "...";
    }
    synchronized (out) {
      out.println(Instant.now(clock) + " " + level + " " + text);
    }
  }
}
