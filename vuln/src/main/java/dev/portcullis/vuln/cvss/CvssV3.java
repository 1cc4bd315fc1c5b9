package dev.portcullis.vuln.cvss;

import dev.portcullis.core.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CVSS v3.0 or v3.1 vector; the base equations of the v3.1 specification, section 7.1, with each
 * version's own Roundup (v3.0: the smallest tenth not below; v3.1: the same, computed on integers
 * to escape floating-point error, spec appendix A).
 */
public record CvssV3(String version, String vector, Map<String, String> metrics, double baseScore) implements Cvss {
  private static final List<String> BASE = List.of("AV", "AC", "PR", "UI", "S", "C", "I", "A");
  private static final Set<String> LMH = Set.of("X", "L", "M", "H");
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("AV", Set.of("N", "A", "L", "P")), Map.entry("AC", Set.of("L", "H")), Map.entry("PR", Set.of("N", "L", "H")),
      Map.entry("UI", Set.of("N", "R")), Map.entry("S", Set.of("U", "C")),
      Map.entry("C", Set.of("H", "L", "N")), Map.entry("I", Set.of("H", "L", "N")), Map.entry("A", Set.of("H", "L", "N")),
      Map.entry("E", Set.of("X", "H", "F", "P", "U")), Map.entry("RL", Set.of("X", "U", "W", "T", "O")),
      Map.entry("RC", Set.of("X", "C", "R", "U")), Map.entry("CR", LMH), Map.entry("IR", LMH), Map.entry("AR", LMH),
      Map.entry("MAV", Set.of("X", "N", "A", "L", "P")), Map.entry("MAC", Set.of("X", "L", "H")),
      Map.entry("MPR", Set.of("X", "N", "L", "H")), Map.entry("MUI", Set.of("X", "N", "R")), Map.entry("MS", Set.of("X", "U", "C")),
      Map.entry("MC", Set.of("X", "H", "L", "N")), Map.entry("MI", Set.of("X", "H", "L", "N")), Map.entry("MA", Set.of("X", "H", "L", "N")));

  public CvssV3 {
    if (!version.equals("3.0") && !version.equals("3.1")) {
      throw new IllegalArgumentException("not a v3 version: " + version);
    }
    metrics = Map.copyOf(metrics);
  }

  static CvssV3 parse(String vector) throws InvalidVectorException {
    String v = vector.strip();
    String version = v.substring("CVSS:".length(), "CVSS:3.x".length());
    Map<String, String> m = Cvss.metrics(vector, v.substring("CVSS:3.x/".length()), ALLOWED, BASE);
    return new CvssV3(version, vector, m, score(version, m));
  }

  private static double score(String version, Map<String, String> m) {
    boolean changed = m.get("S").equals("C");
    double av = switch (m.get("AV")) { case "N" -> 0.85; case "A" -> 0.62; case "L" -> 0.55; default -> 0.2; };
    double ac = m.get("AC").equals("L") ? 0.77 : 0.44;
    double pr = switch (m.get("PR")) { case "N" -> 0.85; case "L" -> changed ? 0.68 : 0.62; default -> changed ? 0.5 : 0.27; };
    double ui = m.get("UI").equals("N") ? 0.85 : 0.62;
    double iss = 1 - (1 - cia(m.get("C"))) * (1 - cia(m.get("I"))) * (1 - cia(m.get("A")));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
    double exploitability = 8.22 * av * ac * pr * ui;
    if (impact <= 0) {
      return 0.0;
    }
    double raw = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
    return version.equals("3.0") ? Math.ceil(raw * 10) / 10 : roundUp31(raw);
  }

  private static double roundUp31(double value) {
    long scaled = Math.round(value * 100_000);
    return scaled % 10_000 == 0 ? scaled / 100_000.0 : (Math.floorDiv(scaled, 10_000) + 1) / 10.0;
  }

  private static double cia(String v) {
    return switch (v) { case "H" -> 0.56; case "L" -> 0.22; default -> 0.0; };
  }

  @Override
  public Severity rating() {
    return Severity.ofScore(baseScore);
  }
}
