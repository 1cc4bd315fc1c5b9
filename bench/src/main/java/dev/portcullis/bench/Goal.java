package dev.portcullis.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/** What a measurement should reach: a ceiling on the ours/baseline ratio, a ceiling on an absolute figure, or nothing. */
public sealed interface Goal {
  /** ours/baseline must be at most {@code max}. */
  record RatioAtMost(double max) implements Goal {}

  /** ours alone must be at most {@code max}, in the metric's unit. */
  record AtMost(double max) implements Goal {}

  /** Shown for scale only. */
  record None() implements Goal {}

  /** Whether the goal is met, missed, or cannot be told because a figure is missing. */
  enum Verdict {
    MET,
    MISSED,
    UNKNOWN
  }

  /** Parses {@code ratio<=1.2}, {@code <=512} or {@code -}. */
  static Goal parse(String text) {
    String t = text.strip();
    if (t.equals("-") || t.isEmpty()) {
      return new None();
    }
    if (t.startsWith("ratio<=")) {
      return new RatioAtMost(Double.parseDouble(t.substring("ratio<=".length())));
    }
    if (t.startsWith("<=")) {
      return new AtMost(Double.parseDouble(t.substring(2)));
    }
    throw new IllegalArgumentException("goal '" + text + "': expected ratio<=X, <=X or -");
  }

  default Verdict judge(OptionalDouble ours, OptionalDouble ratio) {
    return switch (this) {
      case RatioAtMost r -> ratio.isEmpty() ? Verdict.UNKNOWN : ratio.getAsDouble() <= r.max() ? Verdict.MET : Verdict.MISSED;
      case AtMost a -> ours.isEmpty() ? Verdict.UNKNOWN : ours.getAsDouble() <= a.max() ? Verdict.MET : Verdict.MISSED;
      case None n -> Verdict.UNKNOWN;
    };
  }

  /** As the table shows it, in the metric's unit. */
  default String describe(Metric metric) {
    return switch (this) {
      case RatioAtMost r -> r.max() < 0.5
          ? "≤ " + Report.number(r.max() * 100) + " %"
          : "≤ " + Report.number(r.max()) + "×";
      case AtMost a -> "≤ " + Report.number(a.max()) + " " + metric.unit();
      case None n -> "(for scale)";
    };
  }

  /** What a sample is measured in. */
  enum Metric {
    TIME("s"),
    RSS("MB"),
    /** user and system CPU seconds of the process and its children */
    CPU("s CPU");

    private final String unit;

    Metric(String unit) {
      this.unit = unit;
    }

    String unit() {
      return unit;
    }

    static Metric parse(String text) {
      return Metric.valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
  }
}
