package dev.portcullis.policy;

/**
 * Why a decision is not a plain allow: the rule that held ({@value #MIN_SCORE} for the stage's
 * threshold), what it does, and its message.
 */
public record Reason(String rule, Action action, String message) implements Comparable<Reason> {
  /** The name of the stage's built-in threshold rule. */
  public static final String MIN_SCORE = "min-score";

  @Override
  public int compareTo(Reason o) {
    int c = o.action.compareTo(action); // denials first
    c = c != 0 ? c : rule.compareTo(o.rule);
    return c != 0 ? c : message.compareTo(o.message);
  }
}
