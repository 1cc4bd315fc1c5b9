package dev.portcullis.policy.score;

import dev.portcullis.core.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the risk score; {@code docs/risk-score.md} explains every weight. The score only goes
 * down as findings are added: each finding weighs {@code w} in 0–1, a category removes
 * {@code cap × (1 − Π(1 − w))} of the score, the categories multiply, and a real-format credential
 * caps the result. Findings are sorted first, so the same findings in any order give the same
 * score to the last bit.
 */
public final class RiskScorer {
  /** The check that reports a root user; the root category counts it, so misconfiguration does not count it twice. */
  public static final String ROOT_CHECK = "PCS-IMG-001";
  /** The highest score of an image that ships a credential in its issuer's own format. */
  public static final int REAL_CREDENTIAL_CEILING = 30;
  /** The most a single vulnerability weighs, however exploited. */
  static final double MAX_VULNERABILITY_WEIGHT = 0.9;
  static final double KEV_FACTOR = 4.0;
  static final double EPSS_FACTOR = 2.0;
  static final double OS_MANAGED_FACTOR = 0.8;
  static final double ROOT_WEIGHT = 0.10;
  static final double UNSIGNED_WEIGHT = 0.10;
  static final double UNATTESTED_WEIGHT = 0.05;

  private RiskScorer() {}

  /** What one finding of {@code kind} and {@code severity} weighs before its exploitability, fix and scope. */
  static double base(Kind kind, Severity severity) {
    return switch (kind) {
      case VULNERABILITY -> switch (severity) {
        case CRITICAL -> 0.20;
        case HIGH -> 0.10;
        case MEDIUM, UNKNOWN -> 0.03;
        case LOW -> 0.01;
        case NONE -> 0.0;
      };
      case SECRET -> switch (severity) {
        case CRITICAL -> 0.50;
        case HIGH -> 0.35;
        case MEDIUM, UNKNOWN -> 0.20;
        case LOW -> 0.05;
        case NONE -> 0.0;
      };
      case DEBUG -> switch (severity) {
        case CRITICAL -> 0.30;
        case HIGH -> 0.20;
        case MEDIUM, UNKNOWN -> 0.08;
        case LOW -> 0.02;
        case NONE -> 0.0;
      };
      case MISCONFIGURATION -> switch (severity) {
        case CRITICAL -> 0.15;
        case HIGH -> 0.08;
        case MEDIUM, UNKNOWN -> 0.03;
        case LOW -> 0.01;
        case NONE -> 0.0;
      };
    };
  }

  static double fixFactor(RiskFinding.Fix fix) {
    return switch (fix) {
      case FIXED, NOT_APPLICABLE -> 1.0;
      case NOT_FIXED -> 0.7;
      case WONT_FIX -> 0.4;
    };
  }

  /** What {@code f} weighs, 0–1. */
  public static double weight(RiskFinding f) {
    double w = base(f.kind(), f.severity());
    if (f.kind() == Kind.VULNERABILITY) {
      w *= f.kev() ? KEV_FACTOR : 1 + EPSS_FACTOR * f.epssIfAny().orElse(0.0);
      w *= fixFactor(f.fix());
      w *= f.osManaged() ? OS_MANAGED_FACTOR : 1.0;
      w = Math.min(MAX_VULNERABILITY_WEIGHT, w);
    }
    return w;
  }

  static Category category(Kind kind) {
    return switch (kind) {
      case VULNERABILITY -> Category.VULNERABILITY;
      case MISCONFIGURATION -> Category.MISCONFIGURATION;
      case SECRET -> Category.SECRET;
      case DEBUG -> Category.DEBUG;
    };
  }

  static String reason(RiskFinding f) {
    String severity = f.severity().label();
    return switch (f.kind()) {
      case VULNERABILITY -> severity + " vulnerability in " + (f.osManaged() ? "an OS-managed" : "an application") + " package, "
          + switch (f.fix()) {
            case FIXED -> "fix available";
            case NOT_FIXED -> "no fix yet";
            case WONT_FIX -> "will not be fixed";
            case NOT_APPLICABLE -> "";
          }
          + (f.kev() ? ", known exploited (KEV)" : f.epss() != null && f.epss() > 0 ? String.format(java.util.Locale.ROOT, ", EPSS %.2f", f.epss()) : "");
      case SECRET -> severity + " secret" + (f.realFormat() ? " in its issuer's format" : "");
      case DEBUG -> severity + " debug leftover";
      case MISCONFIGURATION -> severity + " misconfiguration";
    };
  }

  /** The score of these facts; {@code provenance} empty when nobody looked for signatures. */
  public static RiskScore score(ImageFacts image, List<RiskFinding> findings, Optional<Provenance> provenance) {
    List<RiskFinding> sorted = findings.stream().sorted().toList();
    // per category, then per (weight, reason): the findings
    Map<Category, Map<String, Group>> groups = new EnumMap<>(Category.class);
    Map<Category, Double> kept = new EnumMap<>(Category.class); // Π(1 − w) per category
    List<String> ceilingIds = new ArrayList<>();
    List<String> rootIds = new ArrayList<>();
    for (RiskFinding f : sorted) {
      if (f.id().equals(ROOT_CHECK)) {
        rootIds.add(f.id());
        continue;
      }
      double w = weight(f);
      if (f.kind() == Kind.SECRET && f.realFormat() && f.severity().compareTo(Severity.MEDIUM) >= 0) {
        ceilingIds.add(f.id());
      }
      if (w == 0) {
        continue;
      }
      Category c = category(f.kind());
      kept.merge(c, 1 - w, (a, b) -> a * b);
      String reason = reason(f);
      groups.computeIfAbsent(c, k -> new TreeMap<>()).computeIfAbsent(String.format(java.util.Locale.ROOT, "%.6f|%s", w, reason),
          k -> new Group(w, reason, new ArrayList<>())).ids.add(f.id());
    }
    if (image.runsAsRoot() || !rootIds.isEmpty()) {
      kept.put(Category.ROOT, 1 - ROOT_WEIGHT);
      groups.computeIfAbsent(Category.ROOT, k -> new TreeMap<>()).put("root",
          new Group(ROOT_WEIGHT, "runs as root" + (image.runsAsRoot() ? " (user '" + image.user() + "')" : ""), rootIds.stream().distinct().toList()));
    }
    provenance.ifPresent(p -> {
      double k = 1.0;
      Map<String, Group> g = new TreeMap<>();
      if (!p.anyVerifiedSignature()) {
        k *= 1 - UNSIGNED_WEIGHT;
        g.put("signature", new Group(UNSIGNED_WEIGHT, "no verified signature", List.of()));
      }
      if (!p.anyVerifiedAttestation()) {
        k *= 1 - UNATTESTED_WEIGHT;
        g.put("attestation", new Group(UNATTESTED_WEIGHT, "no verified attestation", List.of()));
      }
      if (!g.isEmpty()) {
        kept.put(Category.PROVENANCE, k);
        groups.put(Category.PROVENANCE, g);
      }
    });

    Map<Category, Double> deductions = new EnumMap<>(Category.class);
    double remaining = 1.0;
    for (Category c : Category.values()) {
      if (kept.containsKey(c)) {
        double d = c.cap() * (1 - kept.get(c));
        deductions.put(c, d);
        remaining *= 1 - d;
      }
    }
    // the small epsilon keeps 72.00000000000001 and 71.99999999999999 both at 72
    int value = (int) Math.floor(100 * remaining + 1e-9);
    List<Factor> factors = new ArrayList<>();
    for (Category c : Category.values()) {
      groups.getOrDefault(c, Map.of()).values().stream()
          .sorted(Comparator.comparingDouble(Group::weight).reversed().thenComparing(Group::reason))
          .forEach(g -> factors.add(new Factor(c, g.weight, g.reason, g.ids, null)));
    }
    if (!ceilingIds.isEmpty()) {
      value = Math.min(value, REAL_CREDENTIAL_CEILING);
      factors.add(new Factor(Category.SECRET, 0, "a credential in its issuer's own format caps the score at " + REAL_CREDENTIAL_CEILING,
          Set.copyOf(ceilingIds).stream().toList(), REAL_CREDENTIAL_CEILING));
    }
    return new RiskScore(value, Grade.of(value), deductions, factors);
  }

  private record Group(double weight, String reason, List<String> ids) {}
}
