package dev.portcullis.rules.dockerfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shell command line cut into pipelines and simple commands, enough to recognise what a {@code
 * RUN} does: {@code a && b | c; d || e} is the pipelines {@code [a]}, {@code [b, c]}, {@code [d]}, {@code [e]}.
 * Quotes are removed from words, an escaped newline joins lines, comments are dropped; subshells and command
 * substitutions are read as plain words. The one place Dockerfile checks read shell commands from.
 */
public record ShellScript(List<List<Command>> pipelines) {
  private static final Set<String> WRAPPERS = Set.of("sudo", "env", "nice", "nohup", "time", "exec", "command", "doas");

  public ShellScript {
    pipelines = pipelines.stream().map(List::copyOf).toList();
  }

  /**
   * One simple command: its words, leading {@code NAME=value} assignments included. Every Dockerfile check reads
   * commands through it, so that they all understand the same spellings: the program behind {@code sudo}, {@code env}
   * and {@code NAME=value} prefixes, short options combined ({@code -Lkv} gives {@code -k}), and option values written
   * {@code --opt=value}, {@code --opt value}, {@code -o value} or {@code -ovalue}.
   */
  public static final class Command {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern SHORT_CLUSTER = Pattern.compile("-[A-Za-z0-9]+");
    private static final Set<String> DECLARATIONS = Set.of("export", "declare", "typeset", "readonly", "local");

    private final List<String> words;
    private final List<String> effective;
    private final Map<String, String> variables;

    public Command(List<String> words) {
      this.words = List.copyOf(words);
      Map<String, String> vars = new LinkedHashMap<>();
      int i = 0;
      while (i < this.words.size()) {
        String w = this.words.get(i);
        Matcher m = ASSIGNMENT.matcher(w);
        if (m.matches()) {
          vars.put(m.group(1), m.group(2));
          i++;
        } else if (WRAPPERS.contains(base(w))) {
          i++;
          while (i < this.words.size() && this.words.get(i).startsWith("-")) {
            i++;
          }
        } else {
          break;
        }
      }
      List<String> out = i >= this.words.size() ? List.of() : new ArrayList<>(this.words.subList(i, this.words.size()));
      if (!out.isEmpty()) {
        out.set(0, base(out.get(0)));
        if (DECLARATIONS.contains(out.get(0))) {
          out.stream().skip(1).map(ASSIGNMENT::matcher).filter(Matcher::matches).forEach(m -> vars.put(m.group(1), m.group(2)));
        }
      }
      this.effective = List.copyOf(out);
      this.variables = java.util.Collections.unmodifiableMap(vars);
    }

    /** The words as written, assignments and wrappers included. */
    public List<String> words() {
      return words;
    }

    /**
     * The words from the program on: assignments, and wrappers such as {@code sudo} or {@code env}
     * with their options, skipped; the program as its base name ({@code /usr/bin/apt-get} is {@code apt-get}).
     */
    public List<String> effective() {
      return effective;
    }

    /**
     * The variables this command sets: its {@code NAME=value} prefixes (also those given to {@code env}), and the
     * assignments of {@code export}, {@code declare} and their kind, which last for the rest of the script.
     */
    public Map<String, String> variables() {
      return variables;
    }

    public String program() {
      return effective.isEmpty() ? "" : effective.get(0);
    }

    /** The first word after the program that is not an option: {@code install} in {@code apt-get -y install x}. */
    public String subcommand() {
      for (int i = 1; i < effective.size(); i++) {
        if (!effective.get(i).startsWith("-")) {
          return effective.get(i);
        }
      }
      return "";
    }

    /** The words after the subcommand that are not options. */
    public List<String> operands() {
      List<String> out = new ArrayList<>();
      boolean seenSub = false;
      for (int i = 1; i < effective.size(); i++) {
        String w = effective.get(i);
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

    /**
     * Whether the command is given {@code option}, before any {@code --}: a long one ({@code --insecure}) alone or
     * with {@code =value}; a one-letter one ({@code -k}) alone or in a cluster of one-letter options ({@code -Lkv});
     * any other ({@code -qq}) as written.
     */
    public boolean has(String option) {
      return options().anyMatch(w -> matches(w, option));
    }

    /**
     * The values given to {@code option}, in order: {@code --opt=value}, {@code --opt value}, {@code -o value} and
     * {@code -ovalue} all give {@code value}.
     */
    public List<String> values(String option) {
      List<String> out = new ArrayList<>();
      List<String> opts = options().toList();
      for (int i = 0; i < opts.size(); i++) {
        String w = opts.get(i);
        if (w.startsWith(option + "=") && option.startsWith("--")) {
          out.add(w.substring(option.length() + 1));
        } else if (w.equals(option)) {
          if (i + 1 < opts.size()) {
            out.add(opts.get(i + 1));
          }
        } else if (isShort(option) && w.startsWith(option) && !w.startsWith("--") && w.length() > 2) {
          out.add(w.substring(2));
        }
      }
      return out;
    }

    private java.util.stream.Stream<String> options() {
      int end = effective.indexOf("--");
      return (end < 0 ? effective : effective.subList(0, end)).stream().skip(1);
    }

    private static boolean isShort(String option) {
      return option.length() == 2 && option.charAt(0) == '-' && option.charAt(1) != '-';
    }

    private static boolean matches(String word, String option) {
      if (word.equals(option)) {
        return true;
      }
      if (option.startsWith("--")) {
        return word.startsWith(option + "=");
      }
      return isShort(option) && SHORT_CLUSTER.matcher(word).matches() && word.indexOf(option.charAt(1), 1) > 0;
    }

    private static String base(String w) {
      int slash = w.lastIndexOf('/');
      return slash < 0 ? w : w.substring(slash + 1);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Command c && c.words.equals(words);
    }

    @Override
    public int hashCode() {
      return words.hashCode();
    }

    @Override
    public String toString() {
      return String.join(" ", words);
    }
  }

  /** The variables the script sets for its commands: {@code export NAME=value}, {@code NAME=value cmd}, {@code env NAME=value cmd}. */
  public Map<String, String> variables() {
    Map<String, String> out = new LinkedHashMap<>();
    commands().forEach(c -> out.putAll(c.variables()));
    return out;
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
      if (c == '\\' && i + 1 < n && script.charAt(i + 1) == '\n') {
        i += 2; // a line continuation joins lines; it is no word of its own
        continue;
      }
      inWord = true;
      if (c == '\\' && i + 1 < n) {
        w.append(script.charAt(i + 1));
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
