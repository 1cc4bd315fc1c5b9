package dev.portcullis.vuln.cvss;

import dev.portcullis.core.Severity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CVSS v4.0 vector and its score as the v4.0 specification (section 8) defines it: the vector's
 * macro-vector (EQ1 to EQ6) looked up among FIRST's 270 expert scores, then lowered by the vector's
 * severity distance from the highest vector of that macro-vector, relative to the next lower
 * macro-vector. Threat ({@code E}) and environmental metrics count when present, as the
 * specification's CVSS-BT/BE/BTE scores do; absent, {@code E} is taken as Attacked and the
 * requirements as High.
 */
public record CvssV4(String vector, Map<String, String> metrics, double baseScore) implements Cvss {
  private static final List<String> BASE = List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA");

  /**
   * FIRST's macro-vector scores: each row is EQ1 EQ2 EQ3 EQ4, then the scores for (EQ5, EQ6) = (0,0)
   * (0,1) (1,0) (1,1) (2,0) (2,1); "-" where no vector has that macro-vector (EQ3 = 2 implies EQ6 = 1).
   */
  private static final String SCORES = """
      0000 10 9.9 9.8 9.5 9.5 9.2
      0001 10 9.6 9.3 8.7 9.1 8.1
      0002 9.3 9 8.9 8 8.1 6.8
      0010 9.8 9.5 9.5 9.2 9 8.4
      0011 9.3 9.2 8.9 8.1 8.1 6.5
      0012 8.8 8 7.8 7 6.9 4.8
      0020 - 9.2 - 8.2 - 7.2
      0021 - 7.9 - 6.9 - 5
      0022 - 6.9 - 5.5 - 2.7
      0100 9.9 9.7 9.5 9.2 9.2 8.5
      0101 9.5 9.1 9 8.3 8.4 7.1
      0102 9.2 8.1 8.2 7.1 7.2 5.3
      0110 9.5 9.3 9.2 8.5 8.5 7.3
      0111 9.2 8.2 8 7.2 7 5.9
      0112 8.4 7 7.1 5.2 5 3
      0120 - 8.6 - 7.5 - 5.2
      0121 - 7.1 - 5.2 - 2.9
      0122 - 6.3 - 2.9 - 1.7
      1000 9.8 9.5 9.4 8.7 9.1 8.1
      1001 9.4 8.9 8.6 7.4 7.7 6.4
      1002 8.7 7.5 7.4 6.3 6.3 4.9
      1010 9.4 8.9 8.8 7.7 7.6 6.7
      1011 8.6 7.6 7.4 5.8 5.9 5
      1012 7.2 5.7 5.7 5.2 5.2 2.5
      1020 - 8.3 - 7 - 5.4
      1021 - 6.5 - 5.8 - 2.6
      1022 - 5.3 - 2.1 - 1.3
      1100 9.5 9 8.8 7.6 7.6 7
      1101 9 7.7 7.5 6.2 6.1 5.3
      1102 7.7 6.6 6.8 5.9 5.2 3
      1110 8.9 7.8 7.6 6.7 6.2 5.8
      1111 7.4 5.9 5.7 5.7 4.7 2.3
      1112 6.1 5.2 5.7 2.9 2.4 1.6
      1120 - 7.1 - 5.9 - 3
      1121 - 5.8 - 2.6 - 1.5
      1122 - 2.3 - 1.3 - 0.6
      2000 9.3 8.7 8.6 7.2 7.5 5.8
      2001 8.6 7.4 7.4 6.1 5.6 3.4
      2002 7 5.4 5.2 4 4 2.2
      2010 8.5 7.5 7.4 5.5 6.2 5.1
      2011 7.2 5.7 5.5 4.1 4.6 1.9
      2012 5.3 3.6 3.4 1.9 1.9 0.8
      2020 - 6.4 - 5.1 - 2
      2021 - 4.7 - 2.1 - 1.1
      2022 - 2.4 - 0.9 - 0.4
      2100 8.8 7.5 7.3 5.3 6 5
      2101 7.3 5.5 5.9 4 4.1 2
      2102 5.4 4.3 4.5 2.2 2 1.1
      2110 7.5 5.5 5.8 4.5 4 2.1
      2111 6.1 5.1 4.8 1.8 2 0.9
      2112 4.6 1.8 1.7 0.7 0.8 0.2
      2120 - 5.3 - 2.4 - 1.4
      2121 - 2.4 - 1.2 - 0.5
      2122 - 1 - 0.3 - 0.1
      """;
  private static final Map<String, Double> LOOKUP = lookup();

  /** The highest-severity vectors of each EQ level (the spec's "max" vectors), written as metric strings. */
  private static final String[][] EQ1_MAX = {{"AV:N/PR:N/UI:N"}, {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"}, {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}};
  private static final String[][] EQ2_MAX = {{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}};
  private static final String[][][] EQ3_EQ6_MAX = {
      {{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}},
      {{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
          {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}},
      {{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}}};
  private static final String[][] EQ4_MAX = {{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}};
  /** The depth of each EQ level, in steps of 0.1, plus one. */
  private static final int[] EQ1_DEPTH = {1, 4, 5};
  private static final int[] EQ2_DEPTH = {1, 2};
  private static final int[][] EQ3_EQ6_DEPTH = {{7, 6}, {8, 8}, {0, 10}};
  private static final int[] EQ4_DEPTH = {6, 5, 4};

  private static final Set<String> HLN = Set.of("H", "L", "N");
  private static final Map<String, Set<String>> ALLOWED = allowed();

  public CvssV4 {
    metrics = Map.copyOf(metrics);
  }

  static CvssV4 parse(String vector) throws InvalidVectorException {
    Map<String, String> m = Cvss.metrics(vector, vector.strip().substring("CVSS:4.0/".length()), ALLOWED, BASE);
    return new CvssV4(vector, m, score(m));
  }

  @Override
  public String version() {
    return "4.0";
  }

  @Override
  public Severity rating() {
    return Severity.ofScore(baseScore);
  }

  private static Map<String, Set<String>> allowed() {
    Map<String, Set<String>> a = new HashMap<>();
    a.put("AV", Set.of("N", "A", "L", "P"));
    a.put("AC", Set.of("L", "H"));
    a.put("AT", Set.of("N", "P"));
    a.put("PR", Set.of("N", "L", "H"));
    a.put("UI", Set.of("N", "P", "A"));
    for (String k : List.of("VC", "VI", "VA", "SC", "SI", "SA")) {
      a.put(k, HLN);
    }
    a.put("E", Set.of("X", "A", "P", "U"));
    for (String k : List.of("CR", "IR", "AR")) {
      a.put(k, Set.of("X", "H", "M", "L"));
    }
    a.put("MAV", Set.of("X", "N", "A", "L", "P"));
    a.put("MAC", Set.of("X", "L", "H"));
    a.put("MAT", Set.of("X", "N", "P"));
    a.put("MPR", Set.of("X", "N", "L", "H"));
    a.put("MUI", Set.of("X", "N", "P", "A"));
    for (String k : List.of("MVC", "MVI", "MVA", "MSC")) {
      a.put(k, Set.of("X", "H", "L", "N"));
    }
    a.put("MSI", Set.of("X", "S", "H", "L", "N"));
    a.put("MSA", Set.of("X", "S", "H", "L", "N"));
    // supplemental metrics do not change the score
    a.put("S", Set.of("X", "N", "P"));
    a.put("AU", Set.of("X", "N", "Y"));
    a.put("R", Set.of("X", "A", "U", "I"));
    a.put("V", Set.of("X", "D", "C"));
    a.put("RE", Set.of("X", "L", "M", "H"));
    a.put("U", Set.of("X", "Clear", "Green", "Amber", "Red"));
    return Map.copyOf(a);
  }

  private static Map<String, Double> lookup() {
    Map<String, Double> out = new HashMap<>();
    for (String line : SCORES.strip().split("\n")) {
      String[] cells = line.strip().split(" ");
      for (int i = 1; i < cells.length; i++) {
        if (!cells[i].equals("-")) {
          int eq5 = (i - 1) / 2;
          int eq6 = (i - 1) % 2;
          out.put(cells[0] + eq5 + eq6, Double.parseDouble(cells[i]));
        }
      }
    }
    if (out.size() != 270) {
      throw new IllegalStateException("the CVSS v4.0 table holds " + out.size() + " macro-vectors, not 270");
    }
    return Map.copyOf(out);
  }

  /** The value that counts for {@code key}: the modified metric when set, else the base one, else the default. */
  private static String effective(Map<String, String> m, String key) {
    String modified = m.getOrDefault("M" + key, "X");
    if (!modified.equals("X")) {
      return modified;
    }
    String value = m.getOrDefault(key, "X");
    if (value.equals("X")) {
      return switch (key) {
        case "E" -> "A";
        case "CR", "IR", "AR" -> "H";
        default -> value;
      };
    }
    return value;
  }

  private static double score(Map<String, String> m) {
    Map<String, String> e = new HashMap<>();
    for (String k : List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA", "E", "CR", "IR", "AR")) {
      e.put(k, effective(m, k));
    }
    if (List.of("VC", "VI", "VA", "SC", "SI", "SA").stream().allMatch(k -> e.get(k).equals("N"))) {
      return 0.0;
    }
    int eq1 = eq1(e);
    int eq2 = e.get("AC").equals("L") && e.get("AT").equals("N") ? 0 : 1;
    int eq3 = e.get("VC").equals("H") && e.get("VI").equals("H") ? 0
        : e.get("VC").equals("H") || e.get("VI").equals("H") || e.get("VA").equals("H") ? 1 : 2;
    int eq4 = e.get("SI").equals("S") || e.get("SA").equals("S") ? 0
        : e.get("SC").equals("H") || e.get("SI").equals("H") || e.get("SA").equals("H") ? 1 : 2;
    int eq5 = switch (e.get("E")) { case "A" -> 0; case "P" -> 1; default -> 2; };
    int eq6 = (e.get("CR").equals("H") && e.get("VC").equals("H")) || (e.get("IR").equals("H") && e.get("VI").equals("H"))
        || (e.get("AR").equals("H") && e.get("VA").equals("H")) ? 0 : 1;
    double value = LOOKUP.get("" + eq1 + eq2 + eq3 + eq4 + eq5 + eq6);

    double lowerEq1 = at(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
    double lowerEq2 = at(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
    double lowerEq3Eq6;
    if (eq3 == 0 && eq6 == 0) {
      // two ways down: the higher of them is the next lower macro-vector
      lowerEq3Eq6 = Math.max(at(eq1, eq2, 0, eq4, eq5, 1), at(eq1, eq2, 1, eq4, eq5, 0));
    } else if (eq6 == 0) {
      lowerEq3Eq6 = at(eq1, eq2, eq3, eq4, eq5, 1);
    } else {
      lowerEq3Eq6 = at(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    }
    double lowerEq4 = at(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
    double lowerEq5 = at(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

    Map<String, String> max = highestAbove(e, eq1, eq2, eq3, eq4, eq6);
    double d1 = distance(e, max, "AV") + distance(e, max, "PR") + distance(e, max, "UI");
    double d2 = distance(e, max, "AC") + distance(e, max, "AT");
    double d36 = 0;
    for (String k : List.of("VC", "VI", "VA", "CR", "IR", "AR")) {
      d36 += distance(e, max, k);
    }
    double d4 = distance(e, max, "SC") + distance(e, max, "SI") + distance(e, max, "SA");

    double step = 0.1;
    double sum = 0;
    int lowers = 0;
    double[] lower = {lowerEq1, lowerEq2, lowerEq3Eq6, lowerEq4, lowerEq5};
    double[] dist = {d1, d2, d36, d4, 0};
    double[] depth = {EQ1_DEPTH[eq1] * step, EQ2_DEPTH[eq2] * step, EQ3_EQ6_DEPTH[eq3][eq6] * step, EQ4_DEPTH[eq4] * step, 1};
    for (int i = 0; i < lower.length; i++) {
      if (!Double.isNaN(lower[i])) {
        lowers++;
        sum += (value - lower[i]) * (dist[i] / depth[i]);
      }
    }
    if (lowers > 0) {
      value -= sum / lowers;
    }
    value = Math.max(0, Math.min(10, value));
    // the specification rounds half up to one decimal; the epsilon absorbs binary error such as 4.35 → 4.3499999
    return BigDecimal.valueOf(value + 1e-9).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }

  private static int eq1(Map<String, String> e) {
    boolean av = e.get("AV").equals("N");
    boolean pr = e.get("PR").equals("N");
    boolean ui = e.get("UI").equals("N");
    if (av && pr && ui) {
      return 0;
    }
    if ((av || pr || ui) && !e.get("AV").equals("P")) {
      return 1;
    }
    return 2;
  }

  private static double at(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
    Double v = LOOKUP.get("" + eq1 + eq2 + eq3 + eq4 + eq5 + eq6);
    return v == null ? Double.NaN : v;
  }

  /** The first highest vector of the macro-vector that the given vector is nowhere more severe than. */
  private static Map<String, String> highestAbove(Map<String, String> e, int eq1, int eq2, int eq3, int eq4, int eq6) {
    for (String a : EQ1_MAX[eq1]) {
      for (String b : EQ2_MAX[eq2]) {
        for (String c : EQ3_EQ6_MAX[eq3][eq6]) {
          for (String d : EQ4_MAX[eq4]) {
            Map<String, String> max = new HashMap<>();
            for (String part : (a + "/" + b + "/" + c + "/" + d).split("/")) {
              String[] kv = part.split(":");
              max.put(kv[0], kv[1]);
            }
            if (max.keySet().stream().allMatch(k -> distance(e, max, k) >= 0)) {
              return max;
            }
          }
        }
      }
    }
    throw new IllegalStateException("no highest vector found for macro-vector " + eq1 + eq2 + eq3 + eq4 + "x" + eq6);
  }

  private static double distance(Map<String, String> e, Map<String, String> max, String key) {
    return level(key, e.get(key)) - level(key, max.get(key));
  }

  private static double level(String key, String value) {
    return switch (key) {
      case "AV" -> switch (value) { case "N" -> 0.0; case "A" -> 0.1; case "L" -> 0.2; default -> 0.3; };
      case "PR" -> switch (value) { case "N" -> 0.0; case "L" -> 0.1; default -> 0.2; };
      case "UI" -> switch (value) { case "N" -> 0.0; case "P" -> 0.1; default -> 0.2; };
      case "AC" -> value.equals("L") ? 0.0 : 0.1;
      case "AT" -> value.equals("N") ? 0.0 : 0.1;
      case "VC", "VI", "VA" -> switch (value) { case "H" -> 0.0; case "L" -> 0.1; default -> 0.2; };
      case "SC", "SI", "SA" -> switch (value) { case "S" -> 0.0; case "H" -> 0.1; case "L" -> 0.2; default -> 0.3; };
      case "CR", "IR", "AR" -> switch (value) { case "H" -> 0.0; case "M" -> 0.1; default -> 0.2; };
      default -> throw new IllegalArgumentException("no severity level for " + key);
    };
  }
}
