package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point: {@code portcullis <command>}. Exit codes: 0 done, 1 failed, 2 bad usage, 3 internal error.
 *
 * <p>The root command is described in code ({@link #rootSpec}), not with picocli's annotations: reading an
 * annotation makes the JDK generate a proxy class for its type at run time, which no start-up cache keeps, and
 * those of the root were most of what {@code --version} did (docs/BENCHMARKS.md).
 */
public final class Main {
  /**
   * The commands, in the order {@code --help} lists them. They are added to the command line by {@link
   * #commandsFor}, not declared on the annotation: picocli reads every command's annotations when it is
   * added, which took most of the start-up time of a command that needs one of them.
   */
  static final List<Class<?>> COMMANDS = List.of(ImageCommand.class, SbomCommand.class, ScanCommand.class, ConfigCommand.class, SecretsCommand.class,
      RulesCommand.class, GateCommand.class, PolicyCommand.class, KeyCommand.class, SignCommand.class, VerifyCommand.class, BlobCommands.Sign.class,
      BlobCommands.Verify.class, AttestCommand.class, VerifyAttestationCommand.class, SignaturesCommand.class, PromoteCommand.class, BundleCommand.class,
      DbCommand.class, CacheCommand.class, ServerCommand.class, AuditCommand.class, AdmissionCommand.class, HookCommand.class, DockerAuthzCommand.class,
      HostCommand.class, LearnCommand.class, EnforceCommand.class, BehaviourCommand.class, DriftCommand.class, CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class, ManPagesCommand.class);

  /** Commands about the whole command line (hidden from the help): built with all the others. */
  private static final java.util.Set<Class<?>> ABOUT_ALL = java.util.Set.of(picocli.AutoComplete.GenerateCompletion.class, ManPagesCommand.class);

  public static final int FAILED = 1;
  public static final int INTERNAL_ERROR = 3;

  final PrintStream out;
  final PrintStream err;
  final InputStream in;
  final java.util.Map<String, String> env;

  Main(PrintStream out, PrintStream err, InputStream in, java.util.Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.env = java.util.Map.copyOf(env);
  }

  /** The streams of the command line {@code spec} belongs to. */
  static Main of(picocli.CommandLine.Model.CommandSpec spec) {
    return (Main) spec.root().userObject();
  }

  public static void main(String[] args) {
    // the JDK HTTP client hands a blob over in 16 KiB buffers, each a round through its selector;
    // larger ones make pulls about 15 % faster (docs/BENCHMARKS.md). Read once, at its first use.
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 << 10));
    }
    Warmup.start(args);
    // machine output can be tens of thousands of lines: buffer it, flush once at the end
    PrintStream out = new PrintStream(new java.io.BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    int exit;
    try {
      exit = run(args, out, System.err);
    } finally {
      out.flush();
    }
    // System.exit asks the JDK's logging for the logger of "java.lang.Runtime" (it logs exits at debug level),
    // and finding the logging back end searches the class path: opening the jar's directory of 27,000 entries
    // took about 25 ms of a command that had not opened it yet (--version). A command that succeeded and left
    // no thread running ends by returning instead, which exits with 0 and runs the same shutdown.
    if (exit != 0 || otherThreadsRunning()) {
      System.exit(exit);
    }
  }

  /** Whether a thread other than this one would keep the process alive after {@code main} returns. */
  private static boolean otherThreadsRunning() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      if (threads[i] != Thread.currentThread() && !threads[i].isDaemon() && threads[i].isAlive()) {
        return true;
      }
    }
    return n == threads.length; // more threads than counted: assume one is running
  }

  /** Runs one command line with the given streams, as the process would; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.in);
  }

  public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
    return run(args, out, err, in, System.getenv());
  }

  /** As the process would run with {@code env} as its environment (passphrases come from there). */
  public static int run(String[] args, PrintStream out, PrintStream err, InputStream in, java.util.Map<String, String> env) {
    // picocli's default factory looks for Groovy's closure class once; the miss searched the whole class path, and
    // opening the jar's directory of 27,000 entries for it took about 30 ms of every command (docs/BENCHMARKS.md)
    if (System.getProperty("picocli.disable.closures") == null) {
      System.setProperty("picocli.disable.closures", "true");
    }
    // the commands first: the settings below reach the subcommands there are when they are made
    CommandLine cl = commandLine(new Main(out, err, in, env), args);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setExecutionExceptionHandler((ex, line, parsed) -> report(ex, err, parsed.hasMatchedOption("--debug") || debugRequested(args)));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine.IParameterExceptionHandler picocliDefault = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, line) -> ex instanceof CommandLine.UnmatchedArgumentException u ? unmatched(u, err)
        : picocliDefault.handleParseException(ex, line));
    // picocli lets --help through with arguments it could not match (portcullis UNKNOWN --help); we do not
    cl.setExecutionStrategy(parsed -> {
      for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
        if (!p.unmatched().isEmpty()) {
          return unmatched(new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched()), err);
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    return cl.execute(args);
  }

  /** The command line of {@code main} with the commands {@code args} can reach ({@link #commandsFor}). */
  static CommandLine commandLine(Main main, String[] args) {
    CommandLine cl = new CommandLine(rootSpec(main));
    for (Class<?> command : commandsFor(args)) {
      cl.addSubcommand(command);
    }
    CommandLine completion = cl.getSubcommands().get("generate-completion");
    if (completion != null) {
      completion.getCommandSpec().usageMessage().hidden(true);
    }
    return cl;
  }

  /** The root command, {@code portcullis [-hV] [COMMAND]}, as picocli's standard help options would make it. */
  private static CommandLine.Model.CommandSpec rootSpec(Main main) {
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(main);
    spec.name("portcullis");
    spec.versionProvider(new Version());
    spec.usageMessage().description("Secures the container lifecycle: reads, scans and gates container images.");
    spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
        .description("Show this help message and exit.").build());
    spec.addOption(CommandLine.Model.OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
        .description("Print version information and exit.").build());
    return spec;
  }

  /**
   * The commands that {@code args} can reach: the one they begin with, none for a bare {@code
   * --version}, else all (the root's help lists them, an unknown command is matched against them,
   * {@code help COMMAND} looks its command up among them). The output is the same as with all.
   */
  static List<Class<?>> commandsFor(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return List.of();
    }
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> command : COMMANDS) {
        Command c = command.getAnnotation(Command.class);
        if (c.name().equals(args[0]) || List.of(c.aliases()).contains(args[0])) {
          return ABOUT_ALL.contains(command) ? COMMANDS : List.of(command);
        }
      }
    }
    return COMMANDS;
  }

  /**
   * One line for arguments no command takes, exit 2: an unknown command where the command has
   * subcommands, else an unknown option or an unexpected argument.
   */
  private static int unmatched(CommandLine.UnmatchedArgumentException e, PrintStream err) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
    String what;
    if (first.startsWith("-") && first.length() > 1) {
      what = "unknown option '" + first + "' for '" + name + "'";
    } else if (!command.getSubcommands().isEmpty()) {
      // picocli's guesses are loose (UNKNOWN -> bundle): offer only those that begin as the word does
      String start = first.length() < 2 ? "\0" : first.substring(0, 2).toLowerCase(java.util.Locale.ROOT);
      List<String> near = e.getSuggestions().stream().filter(c -> c.toLowerCase(java.util.Locale.ROOT).startsWith(start)).limit(3).toList();
      what = "unknown command '" + (name + " " + first).substring("portcullis ".length()) + "'"
          + (near.isEmpty() ? "" : " (did you mean '" + String.join("' or '", near) + "'?)");
    } else {
      what = "unexpected argument '" + first + "' for '" + name + "'";
    }
    printFailure(err, what + " (see '" + name + " --help')");
    return CommandLine.ExitCode.USAGE;
  }

  private static boolean debugRequested(String[] args) {
    for (String a : args) {
      if (a.equals("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** One line for the user; the stack trace only with {@code --debug} or for our own bugs. */
  static int report(Exception ex, PrintStream err, boolean debug) {
    Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    boolean userFacing = t instanceof IOException || t instanceof IllegalArgumentException || t instanceof CommandFailure;
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (userFacing) {
      printFailure(err, message);
    } else {
      printFailure(err, "internal error: " + t.getClass().getName() + ": " + message + (debug ? "" : " (run with --debug for details)"));
    }
    if (debug) {
      t.printStackTrace(err);
    }
    return userFacing ? FAILED : INTERNAL_ERROR;
  }

  /**
   * The one way a failure reaches the user: {@code portcullis: MESSAGE} on one line. Messages quote
   * what images, registries and documents hold, so the whole message goes through {@link
   * TerminalText#escape} (a line break in it shows as {@code \n}, never as a second line).
   */
  static void printFailure(PrintStream err, String message) {
    err.println("portcullis: " + TerminalText.escape(message));
  }

  /** A command could not do what it was asked; the message is shown as it is, escaped. */
  static final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
      super(message);
    }
  }

  /** Reads the version the build wrote. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"portcullis " + number()};
    }

    /**
     * The bare version number, {@code 0.1.0-SNAPSHOT}: from the jar's manifest, which the start-up cache holds
     * (so that {@code --version} opens no jar), else from the file the build wrote beside the classes.
     */
    static String number() throws IOException {
      String packaged = Main.class.getPackage().getImplementationVersion();
      if (packaged != null) {
        return packaged;
      }
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return p.getProperty("version", "unknown");
    }
  }
}
