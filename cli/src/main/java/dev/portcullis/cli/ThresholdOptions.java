package dev.portcullis.cli;

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

  /** {@code --exit-code}, refused when it is not one a process can return. */
  int exitCode() {
    if (exitCode < 0 || exitCode > 255) {
      throw new IllegalArgumentException("--exit-code " + exitCode + " is not an exit code (0 to 255)");
    }
    return exitCode;
  }
}
