package dev.portcullis.policy;

import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.rules.custom.ScalarPositions;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.testresult.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
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
import org.jspecify.annotations.Nullable;
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
 *     attestations:                 # optional: what must have been attested, signed by whom
 *       - name: tested              # like a rule name; default attestation-TYPE
 *         type: verdict             # verdict, sbom, vuln, test-result or a predicate type URI
 *         signers: [keys/ci.pub]    # public key files (relative to this file) or inline PEM
 *         stage: test               # verdicts only: made for this stage,
 *         minScore: 70              #   with at least this score,
 *         maxAgeDays: 7             #   at most this many days old
 *         action: deny              # or warn; deny when absent
 *       - type: test-result         # an in-toto test result
 *         signers: [keys/ci.pub]
 *         result: PASSED            # the worst result accepted: PASSED (when absent) or WARNED
 *         maxAgeDays: 7
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
      return problems.isEmpty() ? new Valid(new Policy(file, digest, variables, stages, compiler.limits())) : new Invalid(problems);
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
      return name.isPresent() && program.isPresent() ? Optional.of(new Policy.Variable(name.get().getValue(), program.get(), at(expression.orElseThrow(), 0))) : Optional.empty();
    }

    private Optional<Policy.Stage> stage(String name, Node node) {
      if (!RULE_NAME.matcher(name).matches()) {
        problem(node, "stage name " + name + " must be lower case letters, digits and dashes");
      }
      if (!(node instanceof MappingNode map)) {
        problem(node, "stage " + name + " must be a map with minScore and rules");
        return Optional.empty();
      }
      Map<String, NodeTuple> e = entries(map, Set.of("minScore", "rules", "attestations"));
      int minScore = number(e, "minScore", 100).orElse(0);
      List<Policy.Rule> rules = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (e.containsKey("rules")) {
        Node rs = e.get("rules").getValueNode();
        if (rs instanceof SequenceNode seq) {
          for (Node r : seq.getValue()) {
            rule(r, names).ifPresent(rules::add);
          }
        } else {
          problem(rs, "rules must be a list");
        }
      }
      List<Policy.AttestationRequirement> attestations = new ArrayList<>();
      if (e.containsKey("attestations")) {
        Node as = e.get("attestations").getValueNode();
        if (as instanceof SequenceNode seq) {
          for (Node a : seq.getValue()) {
            attestation(a, names).ifPresent(attestations::add);
          }
        } else {
          problem(as, "attestations must be a list");
        }
      }
      return Optional.of(new Policy.Stage(name, minScore, rules, attestations));
    }

    /** The action under {@code action}: deny or warn. */
    private Optional<Action> action(MappingNode map, Map<String, NodeTuple> e) {
      return scalar(map, e, "action").flatMap(a -> {
        Optional<Action> parsed = Action.parse(a.getValue());
        if (parsed.isEmpty()) {
          problem(a, "action must be deny or warn, not '" + a.getValue() + "'");
        }
        return parsed;
      });
    }

    /** The whole number under {@code key}, 0 to {@code max}, when given. */
    private Optional<Integer> number(Map<String, NodeTuple> e, String key, int max) {
      if (!e.containsKey(key)) {
        return Optional.empty();
      }
      Node n = e.get(key).getValueNode();
      try {
        int value = Integer.parseInt(n instanceof ScalarNode s ? s.getValue().strip() : "x");
        if (value >= 0 && value <= max) {
          return Optional.of(value);
        }
        problem(n, key + " must be 0 to " + max + ", not " + value);
        return Optional.empty();
      } catch (NumberFormatException x) {
        // reported below
      }
      problem(n, key + " must be a whole number 0 to " + max);
      return Optional.empty();
    }

    private Optional<Policy.AttestationRequirement> attestation(Node node, List<String> names) {
      if (!(node instanceof MappingNode map)) {
        problem(node, "an attestation requirement is a map with type and signers");
        return Optional.empty();
      }
      int before = problems.size();
      Map<String, NodeTuple> e = entries(map, Set.of("name", "type", "signers", "stage", "minScore", "maxAgeDays", "action", "result"));
      Optional<String> type = scalar(map, e, "type").flatMap(t -> {
        Optional<String> uri = PredicateTypes.resolve(t.getValue());
        if (uri.isEmpty()) {
          problem(t, "type must be verdict, sbom, vuln, test-result or a predicate type URI, not '" + t.getValue() + "'");
        }
        return uri;
      });
      Outcome result = testResult(map, e, type);
      String name = type.map(t -> "attestation-" + t.replaceAll("^[a-z]+://", "").replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "")).orElse("");
      if (e.containsKey("name")) {
        name = scalar(map, e, "name").map(n -> {
          if (!RULE_NAME.matcher(n.getValue()).matches()) {
            problem(n, "name " + n.getValue() + " must be lower case letters, digits and dashes");
          }
          return n.getValue();
        }).orElse(name);
      }
      if (names.contains(name) || name.equals(Reason.MIN_SCORE)) {
        problem(map, "name " + name + " is used twice in this stage");
      }
      names.add(name);
      List<PublicKey> signers = new ArrayList<>();
      if (!e.containsKey("signers")) {
        problem(map, "missing signers (public key files)");
      } else if (e.get("signers").getValueNode() instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
        for (Node k : seq.getValue()) {
          signer(k).ifPresent(signers::add);
        }
      } else {
        problem(e.get("signers").getValueNode(), "signers must be a non-empty list of public key files");
      }
      String stage = e.containsKey("stage") ? scalar(map, e, "stage").map(ScalarNode::getValue).orElse(null) : null;
      Integer minScore = number(e, "minScore", 100).orElse(null);
      Integer maxAgeDays = number(e, "maxAgeDays", 36_500).orElse(null);
      Action action = e.containsKey("action") ? action(map, e).orElse(Action.DENY) : Action.DENY;
      if (problems.size() > before || type.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Policy.AttestationRequirement(name, type.get(), signers, stage, minScore, maxAgeDays, action, result));
    }

    /**
     * The worst test result a test-result requirement accepts: {@code PASSED} when not given, so that
     * requiring a test result never accepts a failed run by omission. Other types have none.
     */
    private @Nullable Outcome testResult(MappingNode map, Map<String, NodeTuple> e, Optional<String> type) {
      boolean testResult = type.filter(PredicateTypes.TEST_RESULT::equals).isPresent();
      for (String verdictOnly : List.of("stage", "minScore")) {
        if (testResult && e.containsKey(verdictOnly)) {
          problem(e.get(verdictOnly).getKeyNode(), verdictOnly + " is a verdict's; a test-result requirement has result and maxAgeDays");
        }
      }
      if (!e.containsKey("result")) {
        return testResult ? Outcome.PASSED : null;
      }
      Optional<ScalarNode> given = scalar(map, e, "result");
      if (given.isEmpty()) {
        return null;
      }
      String value = given.get().getValue();
      if (type.isPresent() && !testResult) {
        problem(e.get("result").getKeyNode(), "result applies to type test-result only");
        return null;
      }
      Optional<Outcome> outcome = Outcome.parse(value);
      if (outcome.isEmpty() || outcome.get() == Outcome.FAILED) {
        problem(given.get(), "result must be PASSED or WARNED (the worst result accepted), not '" + value + "'");
        return null;
      }
      return outcome.get();
    }

    /** A public key given inline as PEM or as a file relative to the policy's directory. */
    private Optional<PublicKey> signer(Node node) {
      if (!(node instanceof ScalarNode s)) {
        problem(node, "a signer is a public key file or PEM text");
        return Optional.empty();
      }
      String value = s.getValue();
      try {
        if (value.contains("-----BEGIN")) {
          return Optional.of(PublicKeys.readPem(value));
        }
        Path base = Path.of(file).toAbsolutePath().getParent();
        return Optional.of(PublicKeys.read(base == null ? Path.of(value) : base.resolve(value)));
      } catch (IOException | IllegalArgumentException e) {
        problem(s, value.contains("-----BEGIN") ? "signer (inline PEM): " + e.getMessage() : "signer " + value + ": " + e.getMessage());
        return Optional.empty();
      }
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
      Optional<Action> action = action(map, e);
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
      return Optional.of(new Policy.Rule(name.get().getValue(), action.get(), condition.get(), message, at(e.get("expression").getValueNode(), 0)));
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
          String at = at(node, open + 2);
          compile(RuleCompiler.Result.VALUE, node, open + 2, source, "message").ifPresent(c -> parts.add(new Policy.Placeholder(c, at)));
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

    /** {@code file:line:column} of {@code offset} in {@code node}'s value. */
    private String at(Node node, int offset) {
      ScalarPositions.Position p = ScalarPositions.of(text, lineStarts, (ScalarNode) node).at(offset);
      return file + ":" + p.line() + ":" + p.column();
    }

    private void problemAt(ScalarNode node, int offset, String message) {
      ScalarPositions.Position p = ScalarPositions.of(text, lineStarts, node).at(offset);
      problems.add(new Problem(file, p.line(), p.column(), message));
    }
  }
}
