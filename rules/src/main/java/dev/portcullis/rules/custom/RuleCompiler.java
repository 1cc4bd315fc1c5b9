package dev.portcullis.rules.custom;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelExpr;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Compiles CEL expressions against a target's variables. Each outcome is kept by the SHA-256 of
 * the target, the expected result and the source, so a rule set loaded again (or one expression
 * used by many rules) is compiled once. Every program is held to the compiler's {@link CelLimits}:
 * comprehensions nested deeper than allowed do not compile, and every evaluation spends a
 * {@link CelBudget}. Safe to share between threads.
 */
public final class RuleCompiler {
  /** What a compilation gives: a program, or the errors with their positions in the expression. */
  public sealed interface Compilation {}

  /** {@code reads} are the variables the expression refers to; {@code limits} those it was compiled under. */
  public record Compiled(CelRuntime.Program program, Set<String> reads, CelLimits limits) implements Compilation {
    /**
     * The value of the expression over {@code variables}, spending {@code budget}.
     *
     * @throws CelBudget.Exceeded when it went over {@link CelLimits#maxIterations} or {@code budget} was
     *     spent, before or during this evaluation; the evaluation has stopped
     * @throws CelEvaluationException when the expression failed (a missing key, a type mismatch)
     */
    public Object eval(Map<String, Object> variables, CelBudget budget) throws CelEvaluationException, CelBudget.Exceeded {
      budget.enter();
      try {
        return program.trace(variables, budget::charge);
      } catch (CelEvaluationException e) {
        if (budget.spent().isPresent()) {
          throw new CelBudget.Exceeded("stopped: " + budget.spent().get(), false);
        }
        if (e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
          throw new CelBudget.Exceeded("stopped: more than " + CelLimits.count(limits.maxIterations())
              + " comprehension iterations (--cel-max-iterations)", false);
        }
        throw e;
      }
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

  private final CelLimits limits;
  private final Map<Target, Cel> environments = new EnumMap<>(Target.class);
  private final Map<String, Cel> others = new ConcurrentHashMap<>();
  private final Map<String, Compilation> cache = new ConcurrentHashMap<>();

  /** A compiler under {@link CelLimits#DEFAULT}. */
  public RuleCompiler() {
    this(CelLimits.DEFAULT);
  }

  public RuleCompiler(CelLimits limits) {
    this.limits = limits;
    for (Target t : Target.values()) {
      environments.put(t, build(t.variables()));
    }
  }

  public CelLimits limits() {
    return limits;
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

  private Cel build(Map<String, CelType> variables) {
    CelOptions options = CelOptions.current().comprehensionMaxIterations(limits.maxIterations()).build();
    var b = CelFactory.standardCelBuilder().setOptions(options).setStandardMacros(CelStandardMacro.STANDARD_MACROS);
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
      Optional<Error> nested = tooDeep(ast);
      if (nested.isPresent()) {
        return new Failed(List.of(nested.get()));
      }
      Set<String> reads = new TreeSet<>();
      for (CelReference ref : ast.getReferenceMap().values()) {
        if (!ref.name().isEmpty() && variables.containsKey(ref.name())) {
          reads.add(ref.name());
        }
      }
      return new Compiled(cel.createProgram(ast), Set.copyOf(reads), limits);
    } catch (CelValidationException | CelEvaluationException e) {
      return new Failed(List.of(new Error(1, 0, e.getMessage())));
    }
  }

  /**
   * The first comprehension nested deeper than {@link CelLimits#maxNesting}, at its position. cel-java
   * has no cost estimate; the depth is the exponent of what an expression may cost over its lists.
   */
  private Optional<Error> tooDeep(CelAbstractSyntaxTree ast) {
    CelExpr deepest = deepest(ast.getExpr(), 0, limits.maxNesting());
    if (deepest == null) {
      return Optional.empty();
    }
    int depth = depth(ast.getExpr());
    Integer offset = ast.getSource().getPositionsMap().get(deepest.id());
    Optional<CelSourceLocation> at = offset == null ? Optional.empty() : ast.getSource().getOffsetLocation(offset);
    return Optional.of(new Error(at.map(CelSourceLocation::getLine).orElse(1), at.map(CelSourceLocation::getColumn).orElse(0),
        "comprehensions nested " + depth + " deep (at most " + limits.maxNesting() + ", --cel-max-nesting): the cost grows as the "
            + ordinal(depth) + " power of the lists they range over"));
  }

  /** The first comprehension at nesting level {@code max + 1} under {@code e}, which is at {@code level}. */
  private static @Nullable CelExpr deepest(CelExpr e, int level, int max) {
    if (e.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
      if (level + 1 > max) {
        return e;
      }
      var c = e.comprehension();
      for (CelExpr outside : List.of(c.iterRange(), c.accuInit(), c.result())) {
        CelExpr found = deepest(outside, level, max);
        if (found != null) {
          return found;
        }
      }
      for (CelExpr body : List.of(c.loopCondition(), c.loopStep())) {
        CelExpr found = deepest(body, level + 1, max);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    for (CelExpr child : children(e)) {
      CelExpr found = deepest(child, level, max);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** How deep comprehensions nest in {@code e}: 0 without any. */
  private static int depth(CelExpr e) {
    if (e.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
      var c = e.comprehension();
      int outside = Math.max(depth(c.iterRange()), Math.max(depth(c.accuInit()), depth(c.result())));
      return Math.max(outside, 1 + Math.max(depth(c.loopCondition()), depth(c.loopStep())));
    }
    int d = 0;
    for (CelExpr child : children(e)) {
      d = Math.max(d, depth(child));
    }
    return d;
  }

  private static List<CelExpr> children(CelExpr e) {
    List<CelExpr> out = new ArrayList<>();
    switch (e.getKind()) {
      case SELECT -> out.add(e.select().operand());
      case CALL -> {
        e.call().target().ifPresent(out::add);
        out.addAll(e.call().args());
      }
      case LIST -> out.addAll(e.list().elements());
      case MAP -> e.map().entries().forEach(en -> {
        out.add(en.key());
        out.add(en.value());
      });
      case STRUCT -> e.struct().entries().forEach(en -> out.add(en.value()));
      case COMPREHENSION -> {
        var c = e.comprehension();
        out.addAll(List.of(c.iterRange(), c.accuInit(), c.loopCondition(), c.loopStep(), c.result()));
      }
      default -> {}
    }
    return out;
  }

  private static String ordinal(int n) {
    return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    });
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
