package dev.portcullis.cli;

import dev.portcullis.core.Severity;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.output.ReportWriter;
import java.io.IOException;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/** How {@code config} and {@code secrets} print the findings of the rule checks, and the exit code they give. */
final class CheckOutput {
  private CheckOutput() {}

  /** Prints {@code shown} in {@code format}; the exit code {@code --fail-on} calls for. */
  static int write(Report shown, CommonOptions.Format format, PrintStream stdout, @Nullable Severity fail, int exitCode) throws IOException {
    ReportWriter.Format as = switch (format) {
      case JSON -> ReportWriter.Format.JSON;
      case SARIF -> ReportWriter.Format.SARIF;
      default -> ReportWriter.Format.TABLE;
    };
    String text = ReportWriter.write(shown, as, Main.Version.number());
    stdout.print(text.endsWith("\n") ? text : text + "\n");
    return fail != null && shown.findings().stream().anyMatch(f -> f.severity().compareTo(fail) >= 0) ? exitCode : 0;
  }
}
