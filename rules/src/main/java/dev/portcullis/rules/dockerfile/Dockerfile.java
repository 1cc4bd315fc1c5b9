package dev.portcullis.rules.dockerfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Subject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Dockerfile: its instructions with their line ranges, its stages, its parser directives
 * and what could not be parsed. Parsing never throws on bad input: a line that cannot be read is
 * a {@link Problem} and the rest is still parsed.
 */
public final class Dockerfile implements Subject {
  static final Set<String> KEYWORDS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
      "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");
  /** The instructions whose arguments the builder substitutes build arguments and environment variables in. */
  private static final Set<String> SUBSTITUTED = Set.of("ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG");
  private static final Set<String> WITH_FLAGS = Set.of("FROM", "RUN", "COPY", "ADD", "HEALTHCHECK");
  private static final Set<String> WITH_HEREDOCS = Set.of("RUN", "COPY", "ADD");
  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern SHELL_PROGRAM = Pattern.compile("(/bin/|/usr/bin/)?(ba|da|a)?sh");
  private static final Pattern LEADING_TABS = Pattern.compile("^\t+");
  private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*");
  private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Map<String, String> directives;
  private final List<Instruction> instructions;
  private final List<Stage> stages;
  private final List<Problem> problems;
  private final Map<Instruction, ShellScript> shells = new java.util.IdentityHashMap<>();

  private Dockerfile(String name, Map<String, String> directives, List<Instruction> instructions, List<Stage> stages, List<Problem> problems) {
    this.name = name;
    this.directives = Map.copyOf(directives);
    this.instructions = List.copyOf(instructions);
    this.stages = List.copyOf(stages);
    this.problems = List.copyOf(problems);
    this.instructions.stream().filter(i -> i.keyword().equals("RUN")).forEach(i -> shells.put(i, read(i)));
  }

  /**
   * What a {@code RUN} of this file runs, read once for every check: its shell form (and heredoc scripts), or an
   * exec form's {@code sh -c SCRIPT}, as a {@link ShellScript}; any other exec form as its one command.
   */
  public ShellScript shell(Instruction run) {
    ShellScript s = shells.get(run);
    return s != null ? s : read(run);
  }

  private static ShellScript read(Instruction run) {
    if (run.arguments() instanceof Instruction.ExecForm e) {
      List<String> args = e.args();
      if (args.size() >= 3 && SHELL_PROGRAM.matcher(args.get(0)).matches() && args.get(1).equals("-c")) {
        return ShellScript.parse(args.get(2));
      }
      return new ShellScript(List.of(List.of(new ShellScript.Command(args))));
    }
    return ShellScript.parse(run.script());
  }

  public static Dockerfile parse(String name, String text) {
    return parse(name, text, Map.of());
  }

  /** Parses {@code text}, named {@code name} in findings; {@code buildArgs} as {@code --build-arg} would give them. */
  public static Dockerfile parse(String name, String text, Map<String, String> buildArgs) {
    return new Parser(name, text, buildArgs).parse();
  }

  @Override
  public String name() {
    return name;
  }

  /** Parser directives from the top of the file ({@code escape}, {@code syntax}, {@code check}), names in lower case. */
  public Map<String, String> directives() {
    return directives;
  }

  public List<Instruction> instructions() {
    return instructions;
  }

  public List<Stage> stages() {
    return stages;
  }

  /** The stage the image is made of, when no {@code --target} is given. */
  public Optional<Stage> finalStage() {
    return stages.isEmpty() ? Optional.empty() : Optional.of(stages.get(stages.size() - 1));
  }

  public List<Problem> problems() {
    return problems;
  }

  private static final class Parser {
    private final String file;
    private final String[] lines;
    private final Map<String, String> buildArgs;
    private final Map<String, String> directives = new LinkedHashMap<>();
    private final List<Instruction> instructions = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Stage> stages = new ArrayList<>();
    private final Map<String, String> globalArgs = new HashMap<>();
    private final List<Map<String, String>> stageVars = new ArrayList<>();
    private final List<List<Instruction>> stageInstructions = new ArrayList<>();
    private char escape = '\\';
    private int next;

    Parser(String file, String text, Map<String, String> buildArgs) {
      this.file = file;
      this.lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
      this.buildArgs = buildArgs;
    }

    Dockerfile parse() {
      readDirectives();
      while (next < lines.length) {
        String line = lines[next];
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          next++;
          continue;
        }
        instruction();
      }
      List<Stage> built = new ArrayList<>();
      for (int i = 0; i < stages.size(); i++) {
        Stage s = stages.get(i);
        built.add(new Stage(s.index(), s.name(), s.base(), s.baseResolved(), s.baseStage(), stageInstructions.get(i)));
      }
      return new Dockerfile(file, directives, instructions, built, problems);
    }

    private void readDirectives() {
      while (next < lines.length) {
        Matcher m = DIRECTIVE.matcher(lines[next].strip());
        if (!m.matches()) {
          return;
        }
        String key = m.group(1).toLowerCase(Locale.ROOT);
        if (directives.containsKey(key)) {
          problems.add(new Problem(file, next + 1, 1, "parser directive '" + key + "' given twice"));
        }
        directives.put(key, m.group(2));
        if (key.equals("escape")) {
          String v = m.group(2);
          if (v.equals("\\") || v.equals("`")) {
            escape = v.charAt(0);
          } else {
            problems.add(new Problem(file, next + 1, 1, "escape directive must be \\ or `, not '" + v + "'"));
          }
        }
        next++;
      }
    }

    /** Reads one logical line (continuations joined) and any heredoc bodies it opens. */
    private void instruction() {
      int start = next + 1;
      StringBuilder logical = new StringBuilder();
      int end = start;
      while (next < lines.length) {
        String raw = lines[next];
        end = next + 1;
        next++;
        String stripped = raw.stripTrailing();
        if (logical.length() > 0 && (raw.strip().startsWith("#") || raw.isBlank())) {
          continue; // comments and empty lines inside a continuation are dropped, as the builder does
        }
        if (!stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape) {
          logical.append(stripped, 0, stripped.length() - 1);
          if (next >= lines.length) {
            break;
          }
          continue;
        }
        logical.append(raw);
        break;
      }
      String text = logical.toString().strip();
      int space = firstSpace(text);
      String word = space < 0 ? text : text.substring(0, space);
      String keyword = word.toUpperCase(Locale.ROOT);
      String rest = space < 0 ? "" : text.substring(space).strip();
      if (!KEYWORDS.contains(keyword)) {
        problems.add(new Problem(file, start, 1, "unknown instruction '" + word + "'"));
        return;
      }
      List<Instruction.Heredoc> heredocs = new ArrayList<>();
      if (WITH_HEREDOCS.contains(keyword)) {
        Matcher m = HEREDOC.matcher(rest);
        while (m.find()) {
          boolean strip = !m.group(1).isEmpty();
          String delimiter = m.group(3);
          StringBuilder body = new StringBuilder();
          int first = next + 1;
          boolean closed = false;
          while (next < lines.length) {
            String l = lines[next++];
            end = next;
            String candidate = strip ? LEADING_TABS.matcher(l).replaceFirst("") : l;
            if (candidate.equals(delimiter)) {
              closed = true;
              break;
            }
            body.append(candidate).append('\n');
          }
          if (!closed) {
            problems.add(new Problem(file, start, m.start() + 1 + space + 1, "heredoc " + delimiter + " is never closed"));
            return;
          }
          heredocs.add(new Instruction.Heredoc(delimiter, body.toString(), first, m.group(2).isEmpty()));
        }
      }
      add(keyword, rest, start, end, heredocs);
    }

    private static int firstSpace(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (Character.isWhitespace(s.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private void add(String keyword, String rest, int start, int end, List<Instruction.Heredoc> heredocs) {
      List<Instruction.Flag> flags = new ArrayList<>();
      String args = rest;
      if (WITH_FLAGS.contains(keyword)) {
        while (args.startsWith("--")) {
          int sp = firstSpace(args);
          String flag = sp < 0 ? args : args.substring(0, sp);
          int eq = flag.indexOf('=');
          flags.add(eq < 0 ? new Instruction.Flag(flag.substring(2), "") : new Instruction.Flag(flag.substring(2, eq), flag.substring(eq + 1)));
          args = sp < 0 ? "" : args.substring(sp).strip();
        }
      }
      Instruction.Arguments arguments = new Instruction.ShellForm(args);
      if (args.startsWith("[")) {
        Optional<List<String>> exec = jsonArray(args);
        if (exec.isPresent()) {
          arguments = new Instruction.ExecForm(exec.get());
        }
      }
      int stage = stages.size() - 1;
      if (!keyword.equals("FROM") && !keyword.equals("ARG") && stage < 0) {
        problems.add(new Problem(file, start, 1, keyword + " before the first FROM"));
        return;
      }
      if (args.isEmpty() && !keyword.equals("HEALTHCHECK")) {
        problems.add(new Problem(file, start, 1, keyword + " needs arguments"));
        return;
      }
      Map<String, String> vars = keyword.equals("FROM") || stage < 0 ? globalScope() : stageVars.get(stage);
      Set<String> unresolved = new LinkedHashSet<>();
      Words words = new Words(escape, vars, unresolved);
      List<String> split;
      try {
        split = arguments instanceof Instruction.ExecForm e
            ? (SUBSTITUTED.contains(keyword) ? e.args().stream().map(words::substitute).toList() : e.args())
            : words.split(args, SUBSTITUTED.contains(keyword));
      } catch (Words.UnterminatedQuote e) {
        problems.add(new Problem(file, start, 1, keyword + ": " + e.getMessage()));
        return;
      }
      if (keyword.equals("FROM")) {
        from(flags, arguments, split, unresolved, start, end, heredocs);
        return;
      }
      Instruction in = new Instruction(keyword, start, end, flags, arguments, split, heredocs, stage);
      instructions.add(in);
      if (stage >= 0) {
        stageInstructions.get(stage).add(in);
      }
      if (keyword.equals("ARG")) {
        for (Map.Entry<String, String> kv : Assignments.of(in).entrySet()) {
          String value = buildArgs.containsKey(kv.getKey()) ? buildArgs.get(kv.getKey()) : kv.getValue();
          if (stage < 0) {
            if (value != null) {
              globalArgs.put(kv.getKey(), value);
            } else {
              globalArgs.remove(kv.getKey());
            }
          } else {
            String inherited = value != null ? value : globalArgs.get(kv.getKey());
            if (inherited != null) {
              stageVars.get(stage).put(kv.getKey(), inherited);
            }
          }
        }
      } else if (keyword.equals("ENV")) {
        for (Map.Entry<String, String> kv : Assignments.of(in).entrySet()) {
          stageVars.get(stage).put(kv.getKey(), kv.getValue() == null ? "" : kv.getValue());
        }
      }
    }

    private Map<String, String> globalScope() {
      Map<String, String> scope = new HashMap<>(globalArgs);
      return scope;
    }

    private void from(List<Instruction.Flag> flags, Instruction.Arguments arguments, List<String> words, Set<String> unresolved, int start, int end,
        List<Instruction.Heredoc> heredocs) {
      String alias = "";
      if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
        alias = words.get(2);
      } else if (words.size() != 1) {
        problems.add(new Problem(file, start, 1, "FROM takes an image and an optional 'AS name', not: " + arguments.text()));
        if (words.isEmpty()) {
          return;
        }
      }
      String base = words.get(0);
      Optional<Integer> baseStage = Optional.empty();
      for (Stage s : stages) {
        if (!s.name().isEmpty() && s.name().equalsIgnoreCase(base)) {
          baseStage = Optional.of(s.index());
        }
      }
      int index = stages.size();
      Instruction in = new Instruction("FROM", start, end, flags, arguments, words, heredocs, index);
      instructions.add(in);
      stages.add(new Stage(index, alias.toLowerCase(Locale.ROOT), base, unresolved.isEmpty(), baseStage, List.of()));
      Map<String, String> vars = new HashMap<>();
      baseStage.ifPresent(b -> vars.putAll(stageVars.get(b)));
      stageVars.add(vars);
      List<Instruction> own = new ArrayList<>();
      own.add(in);
      stageInstructions.add(own);
    }

    private static Optional<List<String>> jsonArray(String s) {
      try {
        JsonNode n = JSON.readTree(s);
        if (n == null || !n.isArray()) {
          return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
          if (!e.isTextual()) {
            return Optional.empty();
          }
          out.add(e.asText());
        }
        return Optional.of(out);
      } catch (IOException e) {
        return Optional.empty(); // not JSON: the builder then takes it as shell form, and so do we
      }
    }
  }
}
