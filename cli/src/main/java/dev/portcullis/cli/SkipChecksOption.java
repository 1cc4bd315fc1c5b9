package dev.portcullis.cli;

import dev.portcullis.rules.checks.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --skip-check ID}, as every command that runs the built-in checks takes it. */
final class SkipChecksOption {
  @Option(names = "--skip-check", paramLabel = "ID", split = ",",
      description = "Do not run this built-in check (an ID of portcullis rules list: PCS-DEBUG-012, PCS-SECRET-029, ...). Repeatable.")
  List<String> ids = List.of();

  /** The IDs given, upper-cased, each one a built-in check. */
  Set<String> ids() {
    if (ids.isEmpty()) {
      return Set.of();
    }
    Set<String> known = new HashSet<>();
    Checks.all().forEach(c -> known.add(c.info().id()));
    Set<String> out = new HashSet<>();
    for (String id : ids) {
      String i = id.strip().toUpperCase(Locale.ROOT);
      if (!known.contains(i)) {
        throw new IllegalArgumentException("--skip-check " + id + ": no such check (portcullis rules list)");
      }
      out.add(i);
    }
    return out;
  }
}
