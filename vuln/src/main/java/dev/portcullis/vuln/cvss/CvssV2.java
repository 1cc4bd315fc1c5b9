package dev.portcullis.vuln.cvss;

import dev.portcullis.core.Severity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A CVSS v2 vector; the base equation of the v2 guide, section 3.2.1, rounded to one decimal. */
public record CvssV2(String vector, Map<String, String> metrics, double baseScore) implements Cvss {
  private static final List<String> BASE = List.of("AV", "AC", "Au", "C", "I", "A");
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("AV", Set.of("L", "A", "N")), Map.entry("AC", Set.of("H", "M", "L")), Map.entry("Au", Set.of("M", "S", "N")),
      Map.entry("C", Set.of("N", "P", "C")), Map.entry("I", Set.of("N", "P", "C")), Map.entry("A", Set.of("N", "P", "C")),
      Map.entry("E", Set.of("U", "POC", "F", "H", "ND")), Map.entry("RL", Set.of("OF", "TF", "W", "U", "ND")),
      Map.entry("RC", Set.of("UC", "UR", "C", "ND")), Map.entry("CDP", Set.of("N", "L", "LM", "MH", "H", "ND")),
      Map.entry("TD", Set.of("N", "L", "M", "H", "ND")), Map.entry("CR", Set.of("L", "M", "H", "ND")),
      Map.entry("IR", Set.of("L", "M", "H", "ND")), Map.entry("AR", Set.of("L", "M", "H", "ND")));

  public CvssV2 {
    metrics = Map.copyOf(metrics);
    if (!metrics.keySet().containsAll(BASE)) {
      throw new IllegalArgumentException("a v2 vector needs " + BASE);
    }
  }

  static CvssV2 parse(String vector) throws InvalidVectorException {
    String body = vector.strip();
    if (body.startsWith("(") && body.endsWith(")")) {
      body = body.substring(1, body.length() - 1);
    }
    if (body.startsWith("CVSS:2.0/")) {
      body = body.substring("CVSS:2.0/".length());
    }
    Map<String, String> m = Cvss.metrics(vector, body, ALLOWED, BASE);
    return new CvssV2(vector, m, score(m));
  }

  private static double score(Map<String, String> m) {
    double av = switch (m.get("AV")) { case "L" -> 0.395; case "A" -> 0.646; default -> 1.0; };
    double ac = switch (m.get("AC")) { case "H" -> 0.35; case "M" -> 0.61; default -> 0.71; };
    double au = switch (m.get("Au")) { case "M" -> 0.45; case "S" -> 0.56; default -> 0.704; };
    double impact = 10.41 * (1 - (1 - cia(m.get("C"))) * (1 - cia(m.get("I"))) * (1 - cia(m.get("A"))));
    double exploitability = 20 * av * ac * au;
    double f = impact == 0 ? 0 : 1.176;
    double base = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    return BigDecimal.valueOf(base).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }

  private static double cia(String v) {
    return switch (v) { case "P" -> 0.275; case "C" -> 0.660; default -> 0.0; };
  }

  @Override
  public String version() {
    return "2.0";
  }

  @Override
  public Severity rating() {
    // NVD's v2 bands: 0–3.9 low, 4.0–6.9 medium, 7.0–10.0 high (v2 has no none and no critical)
    return baseScore < 4.0 ? Severity.LOW : baseScore < 7.0 ? Severity.MEDIUM : Severity.HIGH;
  }
}
