package dev.portcullis.rules.custom;

import dev.cel.common.ast.CelExpr;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is left of one {@link CelLimits#maxCost} and {@link CelLimits#timeout}, spent by every
 * expression evaluated with it, in the thread that evaluates them: a policy decision uses one for
 * all its variables, rules and messages. Once spent it stays spent, so a later expression stops at
 * once. Not thread-safe; one evaluation at a time.
 */
public final class CelBudget {
  private static final int CLOCK_EVERY = 256;

  private final CelLimits limits;
  private final long deadline;
  private long cost;
  private int sinceClock;
  private @Nullable String spent;

  private CelBudget(CelLimits limits) {
    this.limits = limits;
    this.deadline = System.nanoTime() + limits.timeout().toNanos();
  }

  /** A budget of {@code limits}, its clock started now. */
  public static CelBudget start(CelLimits limits) {
    return new CelBudget(limits);
  }

  public CelLimits limits() {
    return limits;
  }

  /** The cost units spent so far. */
  public long cost() {
    return cost;
  }

  /** Why it is spent, when it is. */
  public Optional<String> spent() {
    return Optional.ofNullable(spent);
  }

  /** Throws when already spent: an expression is not started on an empty budget. */
  void enter() throws Exceeded {
    if (spent != null) {
      throw new Exceeded("not evaluated: the evaluation budget was already spent (" + spent + ")", true);
    }
    if (System.nanoTime() - deadline > 0) {
      spent = "took longer than " + CelLimits.duration(limits.timeout()) + " (--cel-timeout)";
      throw new Exceeded("not evaluated: the evaluation budget was already spent (" + spent + ")", true);
    }
  }

  /** Called by the interpreter after each node: charges it, and stops the evaluation when the budget is spent. */
  void charge(CelExpr expr, @Nullable Object result) {
    if (spent != null) {
      throw Stop.INSTANCE; // an error that CEL absorbs (false && error) must not let the evaluation go on
    }
    long units = 1;
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("_+_") && !accumulates(expr)) {
      units += switch (result) {
        case CharSequence s -> s.length();
        case Collection<?> c -> c.size();
        case Map<?, ?> m -> m.size();
        case null, default -> 0;
      };
    }
    cost += units;
    if (cost > limits.maxCost()) {
      spent = "more than " + CelLimits.count(limits.maxCost()) + " cost units (--cel-max-cost)";
      throw Stop.INSTANCE;
    }
    if (++sinceClock >= CLOCK_EVERY) {
      sinceClock = 0;
      if (System.nanoTime() - deadline > 0) {
        spent = "took longer than " + CelLimits.duration(limits.timeout()) + " (--cel-timeout)";
        throw Stop.INSTANCE;
      }
      if (Thread.currentThread().isInterrupted()) {
        spent = "interrupted";
        throw Stop.INSTANCE;
      }
    }
  }

  /** A macro's own step ({@code @result + [x]}) grows its result in place; only what the expression builds is charged. */
  private static boolean accumulates(CelExpr call) {
    if (call.call().args().isEmpty()) {
      return false;
    }
    CelExpr first = call.call().args().get(0);
    return first.getKind() == CelExpr.ExprKind.Kind.IDENT
        && (first.ident().name().startsWith("@") || first.ident().name().equals("__result__"));
  }

  /**
   * An expression stopped because it went over its budget: a policy error, never a result.
   * {@link #already()} when it did not start because an earlier expression spent the budget.
   */
  public static final class Exceeded extends Exception {
    private final boolean already;

    Exceeded(String message, boolean already) {
      super(message);
      this.already = already;
    }

    public boolean already() {
      return already;
    }
  }

  /** Unwinds the interpreter; carries nothing, the budget knows why. */
  static final class Stop extends RuntimeException {
    static final Stop INSTANCE = new Stop();

    private Stop() {
      super("evaluation budget spent", null, false, false);
    }
  }
}
