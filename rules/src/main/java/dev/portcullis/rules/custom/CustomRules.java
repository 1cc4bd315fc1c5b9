package dev.portcullis.rules.custom;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Problem;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads custom rules from YAML files ({@code *.yaml}, {@code *.yml}, a directory searched
 * recursively). A file holds one rule, a list of rules, or a map with a {@code rules} list, in
 * one or more documents. A rule:
 *
 * <pre>
 * id: ACME-IMG-001          # capitals, digits and dashes, ending in a number; never PCS-...
 * severity: high            # low, medium, high, critical
 * title: Image runs as root
 * rationale: ...            # optional
 * remediation: Set USER to a numeric UID.
 * target: image             # image, dockerfile, kubernetes, compose; see Target for the variables
 * expression: image.user == "" || image.user == "root"
 * message: "{{ image.name }} runs as {{ image.user }}"   # optional; {{ }} holds a CEL expression
 * </pre>
 *
 * Loading reports every problem of every file at once, each at its file, line and column: for
 * an expression that does not compile, where the CEL error is inside the YAML scalar, whatever
 * its style (plain, quoted, literal or folded block).
 */
public final class CustomRules {
  /** IDs that belong to the built-in checks. */
  public static final Set<String> RESERVED_PREFIXES = Set.of("PCS-");
  private static final Set<String> KEYS = Set.of("id", "severity", "title", "rationale", "remediation", "target", "expression", "message");
  private static final long MAX_FILE_BYTES = 1 << 20;

  private CustomRules() {}

  /** What loading gave: every rule, or every problem (no rule is used while one is bad). */
  public sealed interface Loaded {
    /** Rules in file order. */
    record Rules(List<Check<?>> checks) implements Loaded {
      public Rules {
        checks = List.copyOf(checks);
      }
    }

    /** Sorted by file, line and column. */
    record Invalid(List<Problem> problems) implements Loaded {
      public Invalid {
        problems = problems.stream().sorted().toList();
      }
    }
  }

  /** Loads every rule file under {@code dir} (or the one file {@code dir} names). */
  public static Loaded load(Path dir, RuleCompiler compiler) throws IOException {
    List<Path> files;
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("(?i).*\\.ya?ml")).sorted().toList();
      }
    } else if (Files.isRegularFile(dir)) {
      files = List.of(dir);
    } else {
      throw new IOException("read custom rules " + dir + ": no such file or directory");
    }
    Map<String, String> texts = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (Path f : files) {
      if (Files.size(f) > MAX_FILE_BYTES) {
        problems.add(new Problem(f.toString(), 0, 0, "rule file larger than 1 MiB; not read"));
        continue;
      }
      texts.put(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
    }
    Loaded loaded = parse(texts, compiler);
    if (problems.isEmpty()) {
      return loaded;
    }
    if (loaded instanceof Loaded.Invalid i) {
      problems.addAll(i.problems());
    }
    return new Loaded.Invalid(problems);
  }

  /** Compiles the rules in {@code files} (name to text, in order). */
  public static Loaded parse(Map<String, String> files, RuleCompiler compiler) {
    List<Check<?>> rules = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    files.forEach((name, text) -> new FileReader(name, text, compiler, rules, problems, seen).read());
    return problems.isEmpty() ? new Loaded.Rules(rules) : new Loaded.Invalid(problems);
  }

  private static final class FileReader {
    private final String file;
    private final String text;
    private final int[] lineStarts;
    private final RuleCompiler compiler;
    private final List<Check<?>> rules;
    private final List<Problem> problems;
    private final Map<String, String> seen;

    FileReader(String file, String text, RuleCompiler compiler, List<Check<?>> rules, List<Problem> problems, Map<String, String> seen) {
      this.file = file;
      this.text = text;
      this.lineStarts = ScalarPositions.lineStarts(text);
      this.compiler = compiler;
      this.rules = rules;
      this.problems = problems;
      this.seen = seen;
    }

    void read() {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(10);
      options.setAllowRecursiveKeys(false);
      options.setNestingDepthLimit(20);
      try {
        for (Node doc : new Yaml(options).composeAll(new StringReader(text))) {
          if (doc == null) {
            continue;
          }
          switch (doc) {
            case SequenceNode list -> list.getValue().forEach(this::rule);
            case MappingNode map when entries(map).containsKey("rules") -> {
              Node list = entries(map).get("rules").getValueNode();
              if (list instanceof SequenceNode s) {
                s.getValue().forEach(this::rule);
              } else {
                problem(list, "rules must be a list of rules");
              }
            }
            case MappingNode map -> rule(map);
            default -> problem(doc, "expected a rule, a list of rules or a map with a rules list");
          }
        }
      } catch (MarkedYAMLException e) {
        Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        problems.add(new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
            "malformed YAML: " + (e.getProblem() != null ? e.getProblem() : e.getMessage())));
      } catch (YAMLException e) {
        problems.add(new Problem(file, 0, 0, "malformed YAML: " + e.getMessage()));
      }
    }

    private static Map<String, NodeTuple> entries(MappingNode map) {
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          out.putIfAbsent(k.getValue(), t);
        }
      }
      return out;
    }

    private void problem(Node at, String message) {
      problems.add(new Problem(file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, message));
    }

    private void rule(Node node) {
      if (!(node instanceof MappingNode map)) {
        problem(node, "a rule must be a map with id, severity, title, remediation, target and expression");
        return;
      }
      int before = problems.size();
      Map<String, NodeTuple> entries = entries(map);
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || !KEYS.contains(k.getValue())) {
          problem(t.getKeyNode(), "unknown key " + (t.getKeyNode() instanceof ScalarNode k ? "'" + k.getValue() + "'" : "")
              + " (id, severity, title, rationale, remediation, target, expression, message)");
        }
      }
      Optional<ScalarNode> id = required(map, entries, "id");
      Optional<ScalarNode> severity = required(map, entries, "severity");
      Optional<ScalarNode> title = required(map, entries, "title");
      Optional<ScalarNode> remediation = required(map, entries, "remediation");
      Optional<ScalarNode> target = required(map, entries, "target");
      Optional<ScalarNode> expression = required(map, entries, "expression");
      Optional<ScalarNode> rationale = optional(entries, "rationale");
      Optional<ScalarNode> message = optional(entries, "message");

      id.ifPresent(n -> {
        String v = n.getValue();
        if (RESERVED_PREFIXES.stream().anyMatch(v::startsWith)) {
          problem(n, "rule ID " + v + " uses a prefix of the built-in checks (" + String.join(", ", RESERVED_PREFIXES) + "); choose your own, e.g. CUSTOM-IMG-001");
        } else if (!CheckInfo.ID.matcher(v).matches()) {
          problem(n, "rule ID " + v + " must look like CUSTOM-IMG-001 (capitals and digits, two dashes, a number of 3 or more digits)");
        } else if (seen.containsKey(v)) {
          problem(n, "rule ID " + v + " is also used at " + seen.get(v));
        } else {
          seen.put(v, file + ":" + (n.getStartMark().getLine() + 1));
        }
      });
      Optional<Severity> sev = severity.flatMap(n -> {
        Optional<Severity> s = Severity.parseRating(n.getValue());
        if (s.isEmpty()) {
          problem(n, "severity must be low, medium, high or critical, not '" + n.getValue() + "'");
        }
        return s;
      });
      Optional<Target> tgt = target.flatMap(n -> {
        Optional<Target> t = Target.parse(n.getValue().strip().toLowerCase(Locale.ROOT));
        if (t.isEmpty()) {
          problem(n, "target must be image, dockerfile, kubernetes or compose, not '" + n.getValue() + "'");
        }
        return t;
      });
      for (Optional<ScalarNode> n : List.of(title, remediation, expression)) {
        n.filter(s -> s.getValue().isBlank()).ifPresent(s -> problem(s, "must not be empty"));
      }
      Optional<RuleCompiler.Compiled> condition = Optional.empty();
      List<CelRule.Part> parts = List.of();
      if (tgt.isPresent() && expression.isPresent() && !expression.get().getValue().isBlank()) {
        condition = compile(tgt.get(), RuleCompiler.Result.CONDITION, expression.get(), 0, expression.get().getValue());
        if (message.isPresent()) {
          parts = template(tgt.get(), message.get());
        }
      }
      if (problems.size() > before || condition.isEmpty()) {
        return;
      }
      String why = rationale.map(ScalarNode::getValue).filter(s -> !s.isBlank()).orElse("A custom rule, from " + file + ".");
      CheckInfo info = new CheckInfo(id.orElseThrow().getValue(), sev.orElseThrow(), title.orElseThrow().getValue().strip(), why.strip(),
          remediation.orElseThrow().getValue().strip(), List.of());
      ScalarPositions.Position at = ScalarPositions.of(text, lineStarts, expression.orElseThrow()).at(0);
      rules.add(new CelRule(info, tgt.orElseThrow(), file, at.line(), at.column(), condition.get(), parts));
    }

    private Optional<ScalarNode> required(MappingNode map, Map<String, NodeTuple> entries, String key) {
      if (!entries.containsKey(key)) {
        problem(map, "rule " + ruleName(entries) + "has no " + key);
        return Optional.empty();
      }
      return scalar(entries.get(key), key);
    }

    private Optional<ScalarNode> optional(Map<String, NodeTuple> entries, String key) {
      return entries.containsKey(key) ? scalar(entries.get(key), key) : Optional.empty();
    }

    private Optional<ScalarNode> scalar(NodeTuple t, String key) {
      if (t.getValueNode() instanceof ScalarNode s) {
        return Optional.of(s);
      }
      problem(t.getValueNode(), key + " must be a string");
      return Optional.empty();
    }

    private static String ruleName(Map<String, NodeTuple> entries) {
      return entries.containsKey("id") && entries.get("id").getValueNode() instanceof ScalarNode s ? s.getValue() + " " : "";
    }

    /** Compiles {@code source}, which starts at {@code offset} of {@code node}'s value; errors land where they are in the file. */
    private Optional<RuleCompiler.Compiled> compile(Target target, RuleCompiler.Result result, ScalarNode node, int offset, String source) {
      return switch (compiler.compile(target, result, source)) {
        case RuleCompiler.Compiled c -> Optional.of(c);
        case RuleCompiler.Failed f -> {
          ScalarPositions positions = ScalarPositions.of(text, lineStarts, node);
          int[] starts = ScalarPositions.lineStarts(source);
          for (RuleCompiler.Error e : f.errors()) {
            int within = (e.line() - 1 < starts.length ? starts[e.line() - 1] : source.length()) + e.column();
            ScalarPositions.Position p = positions.at(offset + Math.min(within, source.length()));
            problems.add(new Problem(file, p.line(), p.column(), (result == RuleCompiler.Result.CONDITION ? "expression: " : "message: ") + e.message()));
          }
          yield Optional.empty();
        }
      };
    }

    /** A message: text with {@code {{ expression }}} placeholders, each compiled. */
    private List<CelRule.Part> template(Target target, ScalarNode node) {
      String value = node.getValue();
      List<CelRule.Part> parts = new ArrayList<>();
      int i = 0;
      while (i < value.length()) {
        int open = value.indexOf("{{", i);
        if (open < 0) {
          parts.add(new CelRule.Literal(value.substring(i)));
          break;
        }
        parts.add(new CelRule.Literal(value.substring(i, open)));
        int close = value.indexOf("}}", open + 2);
        if (close < 0) {
          ScalarPositions.Position p = ScalarPositions.of(text, lineStarts, node).at(open);
          problems.add(new Problem(file, p.line(), p.column(), "message: {{ is never closed with }}"));
          return List.of();
        }
        String source = value.substring(open + 2, close);
        if (source.isBlank()) {
          ScalarPositions.Position p = ScalarPositions.of(text, lineStarts, node).at(open);
          problems.add(new Problem(file, p.line(), p.column(), "message: empty {{ }}"));
        } else {
          ScalarPositions.Position at = ScalarPositions.of(text, lineStarts, node).at(open + 2);
          compile(target, RuleCompiler.Result.VALUE, node, open + 2, source)
              .ifPresent(c -> parts.add(new CelRule.Placeholder(c, at.line(), at.column())));
        }
        i = close + 2;
      }
      return parts;
    }
  }
}
