package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The files auditd is told to watch ({@code -w PATH} rules), from the rule files it loads at boot:
 * {@code /etc/audit/rules.d/*.rules} (which {@code augenrules} compiles) and {@code /etc/audit/audit.rules}.
 */
public final class AuditRules {
  private AuditRules() {}

  /** Every watched path, sorted and joined by {@code ,}; empty when no rule file exists. */
  public static Optional<Setting> watches(Root root) throws RootProblem {
    List<String> files = new ArrayList<>();
    for (String f : root.list("/etc/audit/rules.d")) {
      if (f.endsWith(".rules")) {
        files.add("/etc/audit/rules.d/" + f);
      }
    }
    files.add("/etc/audit/audit.rules");
    TreeSet<String> watched = new TreeSet<>();
    List<String> read = new ArrayList<>();
    for (String f : files) {
      Optional<String> text = root.readText(f);
      if (text.isEmpty()) {
        continue;
      }
      read.add(f);
      for (String line : text.get().lines().toList()) {
        List<String> w = SystemdUnit.words(line.strip());
        int i = w.indexOf("-w");
        if (!line.strip().startsWith("#") && i >= 0 && i + 1 < w.size()) {
          watched.add(w.get(i + 1));
        }
      }
    }
    if (read.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Setting("watches", String.join(",", watched), Origin.FILE, String.join(", ", read)));
  }
}
