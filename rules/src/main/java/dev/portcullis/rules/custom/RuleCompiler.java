package dev.portcullis.rules.custom;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.ast.CelReference;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles CEL expressions against a target's variables. Each outcome is kept by the SHA-256 of
 * the target, the expected result and the source, so a rule set loaded again (or one expression
 * used by many rules) is compiled once. Safe to share between threads.
 */
public final class RuleCompiler {
  /** What a compilation gives: a program, or the errors with their positions in the expression. */
  public sealed interface Compilation {}

  /** {@code reads} are the variables the expression refers to. */
  public record Compiled(CelRuntime.Program program, Set<String> reads) implements Compilation {
    public Object eval(Map<String, Object> variables) throws CelEvaluationException {
      return program.eval(variables);
    }
  }

  /** One error: {@code line} counts from 1 and {@code column} from 0 within the expression. */
  public record Error(int line, int column, String message) {}

  public record Failed(List<Error> errors) implements Compilation {}

  /** Whether the expression must be a condition or may be any value (a message placeholder). */
  public enum Result {
    CONDITION,
    VALUE
  }

  private final Map<Target, Cel> environments = new EnumMap<>(Target.class);
  private final Map<String, Cel> others = new ConcurrentHashMap<>();
  private final Map<String, Compilation> cache = new ConcurrentHashMap<>();

  public RuleCompiler() {
    for (Target t : Target.values()) {
      environments.put(t, build(t.variables()));
    }
  }

  /** How many distinct sources were compiled. */
  public int compiledCount() {
    return cache.size();
  }

  Compilation compile(Target target, Result result, String source) {
    return cache.computeIfAbsent(key(target.text(), result, source), k -> doCompile(environments.get(target), target.variables(), result, source));
  }

  /**
   * The variables of an environment other than the custom rules' targets (a policy's input);
   * {@code name} tells environments apart in the cache, so one name must always mean the same variables.
   */
  public record Environment(String name, Map<String, CelType> variables) {
    public Environment {
      variables = Map.copyOf(variables);
    }
  }

  /** Compiles {@code source} against {@code environment}'s variables, once per distinct source. */
  public Compilation compile(Environment environment, Result result, String source) {
    Cel cel = others.computeIfAbsent(environment.name(), n -> build(environment.variables()));
    return cache.computeIfAbsent(key("env:" + environment.name(), result, source), k -> doCompile(cel, environment.variables(), result, source));
  }

  private static Cel build(Map<String, CelType> variables) {
    var b = CelFactory.standardCelBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
    variables.forEach(b::addVar);
    return b.build();
  }

  private Compilation doCompile(Cel cel, Map<String, CelType> variables, Result result, String source) {
    CelValidationResult r = cel.compile(source);
    if (r.hasError()) {
      List<Error> errors = new ArrayList<>();
      for (CelIssue i : r.getErrors()) {
        // the overload candidates CEL lists are internal type names; the mismatch itself is what helps
        String message = i.getMessage().replaceFirst(" \\(candidates: .*\\)$", "");
        errors.add(new Error(Math.max(1, i.getSourceLocation().getLine()), Math.max(0, i.getSourceLocation().getColumn()), message));
      }
      return new Failed(errors);
    }
    try {
      CelAbstractSyntaxTree ast = r.getAst();
      CelType type = ast.getResultType();
      if (result == Result.CONDITION && type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
        return new Failed(List.of(new Error(1, 0, "expression must be a bool, not " + type.name())));
      }
      Set<String> reads = new TreeSet<>();
      for (CelReference ref : ast.getReferenceMap().values()) {
        if (!ref.name().isEmpty() && variables.containsKey(ref.name())) {
          reads.add(ref.name());
        }
      }
      return new Compiled(cel.createProgram(ast), Set.copyOf(reads));
    } catch (CelValidationException | CelEvaluationException e) {
      return new Failed(List.of(new Error(1, 0, e.getMessage())));
    }
  }

  private static String key(String environment, Result result, String source) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((environment + '\0' + result + '\0').getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
