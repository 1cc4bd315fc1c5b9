package dev.portcullis.rules.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A shell command line cut into pipelines and simple commands, enough to recognise what a {@code
 * RUN} does: {@code a && b | c; d} is the pipelines {@code [a]}, {@code [b, c]}, {@code [d]}.
 * Quotes are removed from words; subshells and command substitutions are read as plain words.
 */
public record ShellScript(List<List<Command>> pipelines) {
  private static final Set<String> WRAPPERS = Set.of("sudo", "env", "nice", "nohup", "time", "exec", "command", "doas");

  public ShellScript {
    pipelines = pipelines.stream().map(List::copyOf).toList();
  }

  /** One simple command: its words, leading {@code NAME=value} assignments included. */
  public record Command(List<String> words) {
    public Command {
      words = List.copyOf(words);
    }

    /**
     * The words from the program on: assignments, and wrappers such as {@code sudo} or {@code env}
     * with their options, skipped; the program as its base name ({@code /usr/bin/apt-get} is {@code apt-get}).
     */
    public List<String> effective() {
      int i = 0;
      while (i < words.size()) {
        String w = words.get(i);
        if (w.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
          i++;
        } else if (WRAPPERS.contains(base(w))) {
          i++;
          while (i < words.size() && words.get(i).startsWith("-")) {
            i++;
          }
        } else {
          break;
        }
      }
      if (i >= words.size()) {
        return List.of();
      }
      List<String> out = new ArrayList<>(words.subList(i, words.size()));
      out.set(0, base(out.get(0)));
      return out;
    }

    public String program() {
      List<String> e = effective();
      return e.isEmpty() ? "" : e.get(0);
    }

    /** The first word after the program that is not an option: {@code install} in {@code apt-get -y install x}. */
    public String subcommand() {
      List<String> e = effective();
      for (int i = 1; i < e.size(); i++) {
        if (!e.get(i).startsWith("-")) {
          return e.get(i);
        }
      }
      return "";
    }

    /** The words after the subcommand that are not options. */
    public List<String> operands() {
      List<String> e = effective();
      List<String> out = new ArrayList<>();
      boolean seenSub = false;
      for (int i = 1; i < e.size(); i++) {
        String w = e.get(i);
        if (w.startsWith("-")) {
          continue;
        }
        if (!seenSub) {
          seenSub = true;
        } else {
          out.add(w);
        }
      }
      return out;
    }

    public boolean has(String option) {
      return effective().stream().anyMatch(w -> w.equals(option) || w.startsWith(option + "="));
    }

    private static String base(String w) {
      int slash = w.lastIndexOf('/');
      return slash < 0 ? w : w.substring(slash + 1);
    }
  }

  /** Every simple command, in order. */
  public List<Command> commands() {
    return pipelines.stream().flatMap(List::stream).toList();
  }

  public static ShellScript parse(String script) {
    List<List<Command>> pipelines = new ArrayList<>();
    List<Command> pipeline = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      boolean separator = c == ';' || c == '\n' || c == '&' || c == '|' || c == '(' || c == ')' || c == '{' && (i + 1 < n && Character.isWhitespace(script.charAt(i + 1))) || c == '}' && !inWord;
      if (Character.isWhitespace(c) && c != '\n' || separator) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
        if (separator) {
          if (!words.isEmpty()) {
            pipeline.add(new Command(words));
            words = new ArrayList<>();
          }
          boolean pipe = c == '|' && !(i + 1 < n && script.charAt(i + 1) == '|');
          if (c == '|' || c == '&') {
            if (i + 1 < n && script.charAt(i + 1) == c) {
              i++;
            }
          }
          if (!pipe && !pipeline.isEmpty()) {
            pipelines.add(pipeline);
            pipeline = new ArrayList<>();
          }
        }
        i++;
        continue;
      }
      if (c == '#' && !inWord) {
        while (i < n && script.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      inWord = true;
      if (c == '\\' && i + 1 < n) {
        if (script.charAt(i + 1) != '\n') {
          w.append(script.charAt(i + 1));
        }
        i += 2;
      } else if (c == '\'' || c == '"') {
        int end = script.indexOf(c, i + 1);
        if (end < 0) {
          end = n;
        }
        w.append(script, i + 1, end);
        i = Math.min(n, end + 1);
      } else {
        w.append(c);
        i++;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    if (!words.isEmpty()) {
      pipeline.add(new Command(words));
    }
    if (!pipeline.isEmpty()) {
      pipelines.add(pipeline);
    }
    return new ShellScript(pipelines);
  }
}
