package dev.portcullis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis generate-man-pages DIR}: a man page (section 1, troff's man macros) for the
 * command line and each of its commands, {@code portcullis.1}, {@code portcullis-scan.1}, {@code
 * portcullis-image-files.1}..., made from the same model as {@code --help}, so the two never differ.
 * The release build runs it; hidden from the help.
 */
@Command(name = "generate-man-pages", hidden = true, mixinStandardHelpOptions = true,
    description = "Write a man page for every command into DIR (the release build does).")
final class ManPagesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "Where the pages go (made if missing).")
  Path dir;

  @Override
  public Integer call() throws IOException {
    Files.createDirectories(dir);
    List<CommandSpec> commands = new ArrayList<>();
    collect(spec.root(), commands);
    String version = Main.Version.number();
    for (CommandSpec command : commands) {
      AtomicWrite.write(dir.resolve(pageName(command) + ".1"), page(command, version).getBytes(StandardCharsets.UTF_8));
    }
    Main.of(spec).out.println(commands.size() + " man pages in " + dir);
    return 0;
  }

  private static void collect(CommandSpec command, List<CommandSpec> into) {
    into.add(command);
    for (CommandLine sub : command.subcommands().values()) {
      CommandSpec s = sub.getCommandSpec();
      // aliases map to the same command: each once
      if (!s.usageMessage().hidden() && !s.name().equals("help") && !into.contains(s)) {
        collect(s, into);
      }
    }
  }

  static String pageName(CommandSpec command) {
    return command.qualifiedName("-");
  }

  /** The page of {@code command} in troff's man macros. */
  static String page(CommandSpec command, String version) {
    StringBuilder b = new StringBuilder();
    String name = pageName(command);
    b.append(".TH ").append(quoted(name.toUpperCase(Locale.ROOT))).append(" 1 \"\" ").append(quoted("portcullis " + version))
        .append(" \"Portcullis Manual\"\n");
    b.append(".SH NAME\n").append(text(name)).append(" \\- ").append(text(firstSentence(command))).append('\n');
    b.append(".SH SYNOPSIS\n");
    String synopsis = new CommandLine.Help(command, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)).synopsis(0).strip();
    b.append(".nf\n").append(text(synopsis.replaceAll("\\s*\\n\\s*", " "))).append("\n.fi\n");
    b.append(".SH DESCRIPTION\n");
    paragraphs(b, String.join("\n", command.usageMessage().description()));
    List<PositionalParamSpec> positionals = command.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    if (!positionals.isEmpty()) {
      b.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : positionals) {
        b.append(".TP\n").append(".I ").append(text(p.paramLabel())).append('\n');
        paragraphs(b, String.join("\n", p.description()));
      }
    }
    List<OptionSpec> options = command.options().stream().filter(o -> !o.hidden()).toList();
    if (!options.isEmpty()) {
      b.append(".SH OPTIONS\n");
      for (OptionSpec o : options) {
        b.append(".TP\n").append(text(String.join(", ", o.names())));
        if (o.typeInfo().isBoolean() && o.arity().max() == 0) {
          b.append('\n');
        } else {
          b.append(' ').append(text(o.paramLabel())).append('\n');
        }
        paragraphs(b, String.join("\n", o.description()));
      }
    }
    List<CommandSpec> subs = command.subcommands().values().stream().map(CommandLine::getCommandSpec)
        .filter(s -> !s.usageMessage().hidden()).distinct().toList();
    if (!subs.isEmpty()) {
      b.append(".SH COMMANDS\n");
      for (CommandSpec s : subs) {
        b.append(".TP\n.B ").append(text(s.name())).append('\n').append(text(firstSentence(s))).append('\n');
      }
    }
    String footer = String.join("\n", command.usageMessage().footer()).strip();
    if (!footer.isEmpty()) {
      b.append(".SH NOTES\n");
      paragraphs(b, footer);
    }
    b.append(".SH EXIT STATUS\n0 done, 1 failed (or: the verdict is no), 2 bad usage, 3 internal error.\n");
    b.append(".SH SEE ALSO\n");
    List<String> related = new ArrayList<>();
    if (command.parent() != null) {
      related.add(pageName(command.parent()));
    }
    subs.forEach(s -> related.add(pageName(s)));
    b.append(String.join(",\n", related.stream().map(r -> ".BR " + text(r) + " (1)").toList())).append(related.isEmpty() ? "" : "\n");
    return b.toString();
  }

  private static String firstSentence(CommandSpec command) {
    String d = String.join(" ", command.usageMessage().description()).strip();
    int end = d.indexOf(". ");
    String first = end < 0 ? d : d.substring(0, end + 1);
    return first.isEmpty() ? command.qualifiedName() : first;
  }

  /** Text split into paragraphs at blank lines, each filled by troff. */
  private static void paragraphs(StringBuilder b, String text) {
    boolean first = true;
    for (String p : text.strip().split("\\n\\s*\\n")) {
      if (p.isBlank()) {
        continue;
      }
      if (!first) {
        b.append(".PP\n");
      }
      b.append(text(p.strip().replaceAll("\\s*\\n\\s*", " "))).append('\n');
      first = false;
    }
  }

  private static String quoted(String s) {
    return "\"" + text(s).replace("\"", "\\(dq") + "\"";
  }

  /**
   * {@code s} as troff text: a backslash is {@code \e}, a hyphen {@code \-} (so it stays an ASCII hyphen
   * and can be searched for), and a line that would begin with a control character ({@code .} or
   * {@code '}) begins with the zero-width {@code \&}.
   */
  static String text(String s) {
    // picocli's texts are format strings: %n a line break, %% a percent sign
    String t = s.replace("%n", "\n").replace("%%", "%").replace("\\", "\\e").replace("-", "\\-");
    StringBuilder out = new StringBuilder();
    for (String line : t.split("\n", -1)) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      if (line.startsWith(".") || line.startsWith("'")) {
        out.append("\\&");
      }
      out.append(line);
    }
    return out.toString();
  }
}
