package dev.portcullis.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The training run of the release's second start-up cache, the one its launcher uses for what only prints help or
 * the version ({@code lib/help.aot}): {@code --version}, the root's {@code --help} and {@code help scan}, in one
 * process, so that the cache holds the classes of each and nothing of a scan. The JVM maps the whole cache at
 * every start, and the one trained on a scan is half as large again: with this one {@code --version} took 0.13 s
 * against 0.16 s, {@code --help} 0.51 s against 0.64 s (docs/BENCHMARKS.md, "A start-up cache for help and the
 * version").
 *
 * <p>Standard output is discarded; the exit code is the first command's that failed, so the build can tell.
 */
public final class StartupTraining {
  /** What the help cache is trained on, in this order. */
  static final List<List<String>> HELP = List.of(List.of("--version"), List.of("--help"), List.of("help", "scan"));

  private StartupTraining() {}

  public static void main(String[] args) {
    System.exit(train(HELP, System.err));
  }

  /** Runs {@code commands} as the process would, output discarded; returns 0, or the exit code of the first that failed. */
  static int train(List<List<String>> commands, PrintStream err) {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    for (List<String> command : commands) {
      String[] args = command.toArray(String[]::new);
      Warmup.start(args);
      int exit = Main.run(args, discard, discard);
      if (exit != 0) {
        err.println("start-up training: 'portcullis " + String.join(" ", command) + "' exited with " + exit);
        return exit;
      }
    }
    return 0;
  }
}
