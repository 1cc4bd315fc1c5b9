package dev.portcullis.cli;

import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Digest;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.vuln.db.Database;
import java.util.Set;

/**
 * The process's one-time set-up that a command needs but that its own work does not need first,
 * started on a daemon thread as the process starts, so that it runs beside the parsing of the
 * command line instead of after it (docs/BENCHMARKS.md, "Set-up beside the command line"). In a
 * warm re-scan, the work here took a fifth of the main thread's time:
 * <ul>
 *   <li>Jackson's first parser initializes {@code BigDecimal}, whose JDK 25 static initializer
 *       computes 5<sup>65536</sup> (25-40 ms); its mapper's date format reads the calendar data of
 *       {@code Locale.US};
 *   <li>sqlite-jdbc loads its native library, and each connection's date format reads the calendar
 *       data of the default locale (finding the providers of a locale lists every locale the JDK
 *       has, 30-60 ms for the first), for the {@code db} commands;
 *   <li>the first SHA-256 looks up the security providers, and the first comparison of two digests
 *       links the record's {@code equals} (every command that reads an image verifies its documents);
 *   <li>the built-in checks and catalogers are made once per process: the secret rules' patterns
 *       are compiled then (the secret rules' keyword index and the binary classifiers' patterns wait
 *       for their first use, which a scan whose results the cache holds never has); and the lists a
 *       command takes are made here as it makes them, with the search of the class path for
 *       extensions, whose first one opens the jar's directory of 27,000 entries (an extension found
 *       is then made twice, which a service loader's provider must allow anyway).
 * </ul>
 * Nothing here has an effect a command could see: the thread only initializes what the command
 * would initialize itself, and the JVM makes a thread that needs a class being initialized wait
 * for it. A failure is left for the command to meet and report.
 */
final class Warmup {
  /**
   * The commands that open the vulnerability database as they start. Those that scan ({@code scan}, {@code gate},
   * {@code attest}, {@code promote}) open it deferred: a re-scan whose matches the cache holds never connects, and
   * loading the driver here took CPU from the command line's parsing for nothing (docs/BENCHMARKS.md, "Matches kept
   * per database"); a cold scan connects before its layer pass, and measured no slower without it.
   */
  private static final Set<String> DATABASE = Set.of("db");
  /** The commands that run the built-in checks. */
  private static final Set<String> CHECKS = Set.of("scan", "gate", "attest", "promote", "config", "secrets");
  /** The commands that run the built-in catalogers. */
  private static final Set<String> CATALOGERS = Set.of("scan", "gate", "attest", "promote", "sbom");

  private Warmup() {}

  /**
   * Starts the set-up for the command {@code args} name; nothing for none, {@code help} or an option such as {@code
   * --version}, nor when the arguments ask for a command's help or version ({@code scan --help}), which uses none of it.
   */
  static void start(String[] args) {
    if (!wanted(args)) {
      return;
    }
    String command = args[0];
    Thread t = new Thread(() -> run(command), "warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Whether {@code args} run a command that does work: not none, {@code help}, or a request for help or the version. */
  static boolean wanted(String[] args) {
    if (args.length == 0 || args[0].startsWith("-") || args[0].equals("help")) {
      return false;
    }
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return false;
      }
    }
    return true;
  }

  /** In the order a command needs them: a {@code db} command opens the database first; a scan makes its checks and catalogers before it reads the image. */
  private static void run(String command) {
    if (DATABASE.contains(command)) {
      Database.prepare();
    }
    try {
      if (CHECKS.contains(command)) {
        Checks.all();
      }
      if (CATALOGERS.contains(command)) {
        Catalogers.all();
      }
    } catch (RuntimeException | LinkageError e) {
      // the command's own first use meets it
    }
    byte[] empty = {'{', '}'};
    try {
      JsonOutput.MAPPER.readTree(empty);
      Digest.sha256(empty).equals(Digest.sha256(new byte[0]));
    } catch (java.io.IOException | RuntimeException e) {
      // the command's own first use meets it
    }
  }
}
