package dev.portcullis.cli;

import dev.portcullis.rules.custom.CelLimits;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --cel-max-nesting}, {@code --cel-max-iterations}, {@code --cel-max-cost} and
 * {@code --cel-timeout}: the operator's limits on the CEL that policies and custom rules (written
 * by other teams) run, as every command that compiles or evaluates them takes them. Only the
 * operator sets them; a policy file cannot.
 */
final class CelLimitsOptions {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  @Option(names = "--cel-max-nesting", paramLabel = "N",
      description = "CEL comprehensions (exists, all, map, filter) may nest at most N deep; deeper does not compile (default 3).")
  @Nullable Integer maxNesting;

  @Option(names = "--cel-max-iterations", paramLabel = "N",
      description = "At most N comprehension iterations in one evaluation of one CEL expression (default 1000000).")
  @Nullable Integer maxIterations;

  @Option(names = "--cel-max-cost", paramLabel = "N",
      description = "At most N CEL cost units (one per expression step, one per character or element + builds) per policy decision, "
          + "or per custom rule and input (default 20000000).")
  @Nullable Long maxCost;

  @Option(names = "--cel-timeout", paramLabel = "DURATION",
      description = "Wall-clock limit of a policy decision, or of a custom rule on one input: 500ms, 10s, 2m (default 10s).")
  @Nullable String timeout;

  /** The limits given over {@link CelLimits#DEFAULT}; a value out of range is the user's error. */
  CelLimits limits() {
    CelLimits l = CelLimits.DEFAULT;
    l = maxNesting == null ? l : with("--cel-max-nesting " + maxNesting, l, maxNesting, CelLimits::withMaxNesting);
    l = maxIterations == null ? l : with("--cel-max-iterations " + maxIterations, l, maxIterations, CelLimits::withMaxIterations);
    l = maxCost == null ? l : with("--cel-max-cost " + maxCost, l, maxCost, CelLimits::withMaxCost);
    return timeout == null ? l : with("--cel-timeout " + timeout, l, duration(timeout), CelLimits::withTimeout);
  }

  private static <T> CelLimits with(String flag, CelLimits limits, T value, java.util.function.BiFunction<CelLimits, T, CelLimits> set) {
    try {
      return set.apply(limits, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("--cel-timeout " + text + ": expected a positive duration such as 500ms, 10s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
