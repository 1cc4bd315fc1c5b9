package dev.portcullis.rules.output;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Reference;
import dev.portcullis.rules.Check;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docs/rules.md}: every check with its ID, severity, title, rationale, remediation and
 * references, grouped by family in the order the checks are listed. The same checks give the
 * same bytes.
 */
public final class RulesMarkdown {
  private static final Map<String, String> FAMILIES = Map.of(
      "DF", "Dockerfile",
      "IMG", "Image config and files",
      "K8S", "Kubernetes",
      "COMPOSE", "Compose",
      "SECRET", "Secrets",
      "DEBUG", "Debug leftovers");

  private RulesMarkdown() {}

  public static String write(List<Check<?>> checks) {
    Map<String, List<CheckInfo>> byFamily = new LinkedHashMap<>();
    for (Check<?> c : checks) {
      byFamily.computeIfAbsent(c.info().family(), f -> new java.util.ArrayList<>()).add(c.info());
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Rules\n\n");
    sb.append("<!-- Generated from the checks by dev.portcullis.rules.output.RulesMarkdown; do not edit. -->\n");
    sb.append("<!-- Regenerate: mvn -pl rules verify -Dtest=RulesMarkdownTest -Dportcullis.updateGolden=true -->\n\n");
    sb.append("Every built-in check of `portcullis config` (and `portcullis rules list`). An ID never changes meaning once\n");
    sb.append("published. Custom rules in CEL are described in `portcullis config --help` and\n");
    sb.append("`dev.portcullis.rules.custom.Target`.\n\n");
    sb.append("| Family | Checks |\n|---|---|\n");
    byFamily.forEach((family, infos) -> sb.append("| [").append(title(family)).append("](#").append(anchor(title(family))).append(") | ")
        .append(infos.size()).append(" |\n"));
    byFamily.forEach((family, infos) -> {
      sb.append("\n## ").append(title(family)).append("\n");
      for (CheckInfo i : infos) {
        sb.append("\n### ").append(i.id()).append(": ").append(i.title()).append("\n\n");
        sb.append("- **Severity:** ").append(i.severity().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        sb.append("- **Why:** ").append(oneLine(i.rationale())).append('\n');
        sb.append("- **Fix:** ").append(oneLine(i.remediation())).append('\n');
        if (!i.references().isEmpty()) {
          sb.append("- **References:** ").append(String.join("; ", i.references().stream().sorted().map(Reference::toString).toList())).append('\n');
        }
      }
    });
    return sb.toString();
  }

  private static String title(String family) {
    return FAMILIES.getOrDefault(family, family);
  }

  private static String anchor(String title) {
    return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }
}
