package dev.portcullis.rules.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One instruction as written, on lines {@code line} to {@code endLine} (counting from 1, heredoc
 * bodies included). {@code keyword} is upper case; {@code flags} are the leading {@code --name=value}
 * options; {@code arguments} is the rest in exec (JSON) or shell form, continuations joined.
 * {@code words} are the shell-form arguments split as the builder splits them, with {@code ARG}
 * and {@code ENV} values substituted for the instructions the builder substitutes in; {@code
 * stage} is the index of the stage it belongs to, -1 before the first {@code FROM}.
 */
public record Instruction(
    String keyword, int line, int endLine, List<Flag> flags, Arguments arguments, List<String> words, List<Heredoc> heredocs, int stage) {

  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern HEREDOC_MARKER = Pattern.compile("<<-?[\"']?\\w+[\"']?");

  public Instruction {
    flags = List.copyOf(flags);
    words = List.copyOf(words);
    heredocs = List.copyOf(heredocs);
  }

  /** A leading option: {@code --from=build} is {@code ("from", "build")}; a bare {@code --link} has an empty value. */
  public record Flag(String name, String value) {}

  /** The arguments after the flags. */
  public sealed interface Arguments {
    /** The arguments as one string, as they would be written in shell form. */
    String text();
  }

  /** {@code ["executable", "arg"]}: run without a shell. */
  public record ExecForm(List<String> args) implements Arguments {
    public ExecForm {
      args = List.copyOf(args);
    }

    @Override
    public String text() {
      return String.join(" ", args);
    }
  }

  /** The arguments as written, line continuations removed. */
  public record ShellForm(String text) implements Arguments {}

  /**
   * A here-document: {@code <<EOF} ... {@code EOF}. {@code expand} is false when the delimiter was
   * quoted; {@code firstLine} is the line of the body's first line.
   */
  public record Heredoc(String delimiter, String body, int firstLine, boolean expand) {}

  public Optional<String> flag(String name) {
    return flags.stream().filter(f -> f.name().equals(name)).map(Flag::value).findFirst();
  }

  public boolean isExecForm() {
    return arguments instanceof ExecForm;
  }

  /**
   * What a {@code RUN} runs: its shell command, then the bodies of its heredocs (a heredoc given to
   * a {@code RUN} is a script for the shell).
   */
  public String script() {
    List<String> parts = new ArrayList<>();
    String text = arguments.text().strip();
    if (!(heredocs.size() > 0 && HEREDOC_MARKER.matcher(text).matches())) {
      parts.add(text);
    }
    heredocs.forEach(h -> parts.add(h.body()));
    return String.join("\n", parts);
  }
}
