package dev.portcullis.policy;

import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.rules.custom.ScalarPositions;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Reads and compiles policy files:
 *
 * <pre>
 * apiVersion: portcullis.dev/v1
 * kind: Policy
 * variables:                        # optional, each may use the ones before it as variables.NAME
 *   - name: kevWithFix
 *     expression: findings.filter(f, f.kev &amp;&amp; f.fixed)
 * stages:
 *   prod:
 *     minScore: 70                  # deny below it; 0 to 100
 *     rules:
 *       - name: no-kev-with-fix     # lower case, digits and dashes; unique in its stage
 *         expression: size(variables.kevWithFix) > 0
 *         action: deny              # or warn
 *         message: "fixable KEV: {{ variables.kevWithFix.map(f, f.id) }}"
 * </pre>
 *
 * Compiling reports every problem of the file at once, each at its line and column (inside a
 * CEL expression, at the character CEL points to). Policies are kept by the SHA-256 of their
 * source, so loading the same text again costs nothing.
 */
public final class PolicyFile {
  private static final Pattern RULE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern VARIABLE_USE = Pattern.compile("\\bvariables\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final long MAX_BYTES = 1 << 20;
  private static final String DEFAULT_RESOURCE = "default-policy.yaml";

  private final RuleCompiler compiler;
  private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

  public PolicyFile(RuleCompiler compiler) {
    this.compiler = compiler;
  }

  /** What compiling gave: a policy, or every problem. */
  public sealed interface Compiled {}

  public record Valid(Policy policy) implements Compiled {}

  public record Invalid(List<Problem> problems) implements Compiled {
    public Invalid {
      problems = problems.stream().sorted().toList();
    }
  }

  /** How many distinct sources were compiled. */
  public int compiledCount() {
    return cache.size();
  }

  public Compiled load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("read policy " + file + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("read policy " + file + ": larger than 1 MiB");
    }
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The built-in policy for dev, test and prod (docs/policy.md). */
  public Policy defaultPolicy() {
    try (InputStream in = PolicyFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the built-in policy is missing from the jar");
      }
      return switch (parse("built-in:default", new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
        case Valid v -> v.policy();
        case Invalid i -> throw new IllegalStateException("the built-in policy does not compile: " + i.problems());
      };
    } catch (IOException e) {
      throw new IllegalStateException("read the built-in policy", e);
    }
  }

  public Compiled parse(String name, String text) {
    String digest = "sha256:" + sha256(text);
    return cache.computeIfAbsent(name + "\0" + digest, k -> new Reader(name, text, digest).read());
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  private final class Reader {
    private final String file;
    private final String text;
    private final String digest;
    private final int[] lineStarts;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> variableNames = new ArrayList<>();

    Reader(String file, String text, String digest) {
      this.file = file;
      this.text = text;
      this.digest = digest;
      this.lineStarts = ScalarPositions.lineStarts(text);
    }

    Compiled read() {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(50);
      options.setAllowRecursiveKeys(false);
      options.setNestingDepthLimit(20);
      Node doc;
      try {
        doc = new Yaml(options).compose(new StringReader(text));
      } catch (MarkedYAMLException e) {
        Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return new Invalid(List.of(new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
            "malformed YAML: " + (e.getProblem() != null ? e.getProblem() : e.getMessage()))));
      } catch (YAMLException e) {
        return new Invalid(List.of(new Problem(file, 0, 0, "malformed YAML: " + e.getMessage())));
      }
      if (!(doc instanceof MappingNode root)) {
        return new Invalid(List.of(new Problem(file, 1, 1, "a policy is a map with apiVersion, kind and stages")));
      }
      Map<String, NodeTuple> top = entries(root, Set.of("apiVersion", "kind", "metadata", "variables", "stages"));
      expect(root, top, "apiVersion", "portcullis.dev/v1");
      expect(root, top, "kind", "Policy");
      List<Policy.Variable> variables = new ArrayList<>();
      if (top.containsKey("variables")) {
        Node vs = top.get("variables").getValueNode();
        if (vs instanceof SequenceNode seq) {
          seq.getValue().forEach(n -> variable(n).ifPresent(variables::add));
        } else {
          problem(vs, "variables must be a list of {name, expression}");
        }
      }
      Map<String, Policy.Stage> stages = new LinkedHashMap<>();
      if (!top.containsKey("stages")) {
        problem(root, "a policy needs stages (for example dev, test, prod)");
      } else if (top.get("stages").getValueNode() instanceof MappingNode sm && !sm.getValue().isEmpty()) {
        for (NodeTuple t : sm.getValue()) {
          String stageName = ((ScalarNode) t.getKeyNode()).getValue();
          stage(stageName, t.getValueNode()).ifPresent(s -> stages.put(stageName, s));
        }
      } else {
        problem(top.get("stages").getValueNode(), "stages must be a map of stage name to {minScore, rules}");
      }
      return problems.isEmpty() ? new Valid(new Policy(file, digest, variables, stages)) : new Invalid(problems);
    }

    private void expect(MappingNode root, Map<String, NodeTuple> top, String key, String value) {
      if (!top.containsKey(key)) {
        problem(root, "missing " + key + ": " + value);
      } else if (!(top.get(key).getValueNode() instanceof ScalarNode s) || !s.getValue().equals(value)) {
        problem(top.get(key).getValueNode(), key + " must be " + value);
      }
    }

    private Optional<Policy.Variable> variable(Node node) {
      if (!(node instanceof MappingNode map)) {
        problem(node, "a variable is a map with name and expression");
        return Optional.empty();
      }
      Map<String, NodeTuple> e = entries(map, Set.of("name", "expression"));
      Optional<ScalarNode> name = scalar(map, e, "name");
      Optional<ScalarNode> expression = scalar(map, e, "expression");
      if (name.isPresent()) {
        String n = name.get().getValue();
        if (!VARIABLE_NAME.matcher(n).matches()) {
          problem(name.get(), "variable name " + n + " must be letters, digits and _ (a CEL identifier)");
          name = Optional.empty();
        } else if (variableNames.contains(n)) {
          problem(name.get(), "variable " + n + " is defined twice");
          name = Optional.empty();
        }
      }
      Optional<RuleCompiler.Compiled> program = expression.flatMap(x -> compile(RuleCompiler.Result.VALUE, x, 0, x.getValue(), "expression"));
      name.ifPresent(n -> variableNames.add(n.getValue()));
      return name.isPresent() && program.isPresent() ? Optional.of(new Policy.Variable(name.get().getValue(), program.get())) : Optional.empty();
    }

    private Optional<Policy.Stage> stage(String name, Node node) {
      if (!RULE_NAME.matcher(name).matches()) {
        problem(node, "stage name " + name + " must be lower case letters, digits and dashes");
      }
      if (!(node instanceof MappingNode map)) {
        problem(node, "stage " + name + " must be a map with minScore and rules");
        return Optional.empty();
      }
      Map<String, NodeTuple> e = entries(map, Set.of("minScore", "rules"));
      int minScore = 0;
      if (e.containsKey("minScore")) {
        Node n = e.get("minScore").getValueNode();
        try {
          minScore = Integer.parseInt(n instanceof ScalarNode s ? s.getValue().strip() : "x");
          if (minScore < 0 || minScore > 100) {
            problem(n, "minScore must be 0 to 100, not " + minScore);
          }
        } catch (NumberFormatException x) {
          problem(n, "minScore must be a whole number 0 to 100");
        }
      }
      List<Policy.Rule> rules = new ArrayList<>();
      if (e.containsKey("rules")) {
        Node rs = e.get("rules").getValueNode();
        if (rs instanceof SequenceNode seq) {
          List<String> names = new ArrayList<>();
          for (Node r : seq.getValue()) {
            rule(r, names).ifPresent(rules::add);
          }
        } else {
          problem(rs, "rules must be a list");
        }
      }
      return Optional.of(new Policy.Stage(name, minScore, rules));
    }

    private Optional<Policy.Rule> rule(Node node, List<String> names) {
      if (!(node instanceof MappingNode map)) {
        problem(node, "a rule is a map with name, expression, action and message");
        return Optional.empty();
      }
      int before = problems.size();
      Map<String, NodeTuple> e = entries(map, Set.of("name", "expression", "action", "message"));
      Optional<ScalarNode> name = scalar(map, e, "name");
      name.ifPresent(n -> {
        if (!RULE_NAME.matcher(n.getValue()).matches()) {
          problem(n, "rule name " + n.getValue() + " must be lower case letters, digits and dashes");
        } else if (names.contains(n.getValue()) || n.getValue().equals(Reason.MIN_SCORE)) {
          problem(n, "rule name " + n.getValue() + (n.getValue().equals(Reason.MIN_SCORE) ? " is the stage's threshold" : " is used twice in this stage"));
        }
        names.add(n.getValue());
      });
      Optional<Action> action = scalar(map, e, "action").flatMap(a -> {
        Optional<Action> parsed = Action.parse(a.getValue());
        if (parsed.isEmpty()) {
          problem(a, "action must be deny or warn, not '" + a.getValue() + "'");
        }
        return parsed;
      });
      Optional<RuleCompiler.Compiled> condition = scalar(map, e, "expression")
          .flatMap(x -> compile(RuleCompiler.Result.CONDITION, x, 0, x.getValue(), "expression"));
      List<Policy.Part> message = List.of();
      if (e.containsKey("message")) {
        if (e.get("message").getValueNode() instanceof ScalarNode m) {
          message = template(m);
        } else {
          problem(e.get("message").getValueNode(), "message must be a string");
        }
      }
      if (problems.size() > before || name.isEmpty() || action.isEmpty() || condition.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Policy.Rule(name.get().getValue(), action.get(), condition.get(), message));
    }

    private List<Policy.Part> template(ScalarNode node) {
      String value = node.getValue();
      List<Policy.Part> parts = new ArrayList<>();
      int i = 0;
      while (i < value.length()) {
        int open = value.indexOf("{{", i);
        if (open < 0) {
          parts.add(new Policy.Literal(value.substring(i)));
          break;
        }
        parts.add(new Policy.Literal(value.substring(i, open)));
        int close = value.indexOf("}}", open + 2);
        if (close < 0) {
          problemAt(node, open, "message: {{ is never closed with }}");
          return List.of();
        }
        String source = value.substring(open + 2, close);
        if (source.isBlank()) {
          problemAt(node, open, "message: empty {{ }}");
        } else {
          compile(RuleCompiler.Result.VALUE, node, open + 2, source, "message").ifPresent(c -> parts.add(new Policy.Placeholder(c)));
        }
        i = close + 2;
      }
      return parts;
    }

    /** Compiles {@code source}, found at {@code offset} of {@code node}'s value; errors land where they are in the file. */
    private Optional<RuleCompiler.Compiled> compile(RuleCompiler.Result result, ScalarNode node, int offset, String source, String what) {
      if (source.isBlank()) {
        problem(node, what + " must not be empty");
        return Optional.empty();
      }
      Matcher uses = VARIABLE_USE.matcher(source);
      boolean unknown = false;
      while (uses.find()) {
        if (!variableNames.contains(uses.group(1))) {
          problemAt(node, offset + uses.start(1), what + ": no variable " + uses.group(1) + " is defined before this point"
              + (variableNames.isEmpty() ? "" : " (" + String.join(", ", variableNames) + ")"));
          unknown = true;
        }
      }
      return switch (compiler.compile(PolicyInput.ENVIRONMENT, result, source)) {
        case RuleCompiler.Compiled c -> unknown ? Optional.empty() : Optional.of(c);
        case RuleCompiler.Failed f -> {
          int[] starts = ScalarPositions.lineStarts(source);
          for (RuleCompiler.Error err : f.errors()) {
            int within = (err.line() - 1 < starts.length ? starts[err.line() - 1] : source.length()) + err.column();
            problemAt(node, offset + Math.min(within, source.length()), what + ": " + err.message());
          }
          yield Optional.empty();
        }
      };
    }

    private Map<String, NodeTuple> entries(MappingNode map, Set<String> allowed) {
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && allowed.contains(k.getValue())) {
          if (out.putIfAbsent(k.getValue(), t) != null) {
            problem(k, k.getValue() + " is given twice");
          }
        } else {
          problem(t.getKeyNode(), "unknown key " + (t.getKeyNode() instanceof ScalarNode k ? "'" + k.getValue() + "'" : "")
              + " (" + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
      }
      return out;
    }

    private Optional<ScalarNode> scalar(MappingNode map, Map<String, NodeTuple> e, String key) {
      if (!e.containsKey(key)) {
        problem(map, "missing " + key);
        return Optional.empty();
      }
      if (e.get(key).getValueNode() instanceof ScalarNode s) {
        return Optional.of(s);
      }
      problem(e.get(key).getValueNode(), key + " must be a string");
      return Optional.empty();
    }

    private void problem(Node at, String message) {
      problems.add(new Problem(file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, message));
    }

    private void problemAt(ScalarNode node, int offset, String message) {
      ScalarPositions.Position p = ScalarPositions.of(text, lineStarts, node).at(offset);
      problems.add(new Problem(file, p.line(), p.column(), message));
    }
  }
}
