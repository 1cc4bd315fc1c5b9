package dev.portcullis.cli;

import dev.portcullis.core.Severity;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --severity}, {@code --fail-on} and {@code --exit-code}, as every command that reports findings takes them. */
final class ThresholdOptions {
  @Option(names = "--severity", paramLabel = "SEVERITY", description = "Show only findings at or above: low, medium, high, critical.")
  @Nullable String severity;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", description = "Exit with --exit-code when a shown finding is at or above this severity.")
  @Nullable String failOn;

  @Option(names = "--exit-code", paramLabel = "N", description = "Exit code when --fail-on is met (default 1).", defaultValue = "1")
  int exitCode = 1;

  /** {@code --severity} as a severity, {@code unset} when it is not given. */
  Severity shownFrom(Severity unset) {
    return severity == null ? unset : rating("--severity", severity);
  }

  /** {@code --fail-on} as a severity, or null when it is not given. */
  @Nullable Severity failOn() {
    return failOn == null ? null : rating("--fail-on", failOn);
  }

  /** A severity word (with the synonyms distributions use: moderate, important, ...), refused when it names no rating. */
  private static Severity rating(String option, String value) {
    Optional<Severity> s = Severity.parse(value);
    if (s.isEmpty() || !s.get().isRating()) {
      throw new IllegalArgumentException(option + " " + value + " is not a severity (low, medium, high, critical)");
    }
    return s.get();
  }

  /** {@code --exit-code}, refused when it is not one a process can return. */
  int exitCode() {
    if (exitCode < 0 || exitCode > 255) {
      throw new IllegalArgumentException("--exit-code " + exitCode + " is not an exit code (0 to 255)");
    }
    return exitCode;
  }
}
