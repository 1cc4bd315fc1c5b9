package dev.portcullis.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.portcullis.policy.score.Factor;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.RuleCompiler;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a policy's CEL expressions see. Every map is {@code map(string, dyn)}:
 *
 * <ul>
 *   <li>{@code image}: {@code ref}, {@code digest}, {@code user} strings, {@code labels} map(string, string);
 *   <li>{@code stage} string, {@code minScore} int (the stage's threshold), {@code score} int, {@code grade} string;
 *   <li>{@code factors}: list of {@code {category, weight, reason, findings}};
 *   <li>{@code findings}: list of {@code {id, ids, kind, severity, rank, package, version, purl, osManaged, kev,
 *       epss, fixed, fix, fixedVersion, realFormat, title, location}}; {@code kind} is vulnerability,
 *       misconfiguration, secret or debug; {@code severity} lower case with {@code rank} 4 critical, 3 high,
 *       2 medium, 1 low, 0 none or unknown; {@code epss} 0.0 when unknown; {@code fixed} true when a fix exists;
 *       {@code fix} fixed, not-fixed, wont-fix or not-applicable. Excepted findings are not in the list.
 *   <li>{@code byKind}: the same findings by kind (every kind a key, with an empty list when none); {@code kev}:
 *       the known exploited vulnerabilities among them. A policy that reads a few kinds pays for those only.
 *   <li>{@code signatures}: list of {@code {signer, verified}}; {@code attestations}: list of
 *       {@code {predicateType, signer, verified, issued, stage, score, result}} ({@code issued} an RFC 3339 time or
 *       empty, {@code stage} empty and {@code score} -1 when the predicate is not a verdict, {@code result} PASSED,
 *       WARNED or FAILED for a test result, empty otherwise); both empty when nobody looked;
 *   <li>{@code variables}: the policy's variables by name, each computed in the order written.
 * </ul>
 */
public final class PolicyInput {
  public static final RuleCompiler.Environment ENVIRONMENT = new RuleCompiler.Environment("portcullis-policy-v1", variables());

  private PolicyInput() {}

  private static Map<String, CelType> variables() {
    CelType map = MapType.create(SimpleType.STRING, SimpleType.DYN);
    Map<String, CelType> v = new LinkedHashMap<>();
    v.put("image", map);
    v.put("stage", SimpleType.STRING);
    v.put("minScore", SimpleType.INT);
    v.put("score", SimpleType.INT);
    v.put("grade", SimpleType.STRING);
    v.put("factors", ListType.create(map));
    v.put("findings", ListType.create(map));
    v.put("byKind", MapType.create(SimpleType.STRING, ListType.create(map)));
    v.put("kev", ListType.create(map));
    v.put("signatures", ListType.create(map));
    v.put("attestations", ListType.create(map));
    v.put("variables", map);
    return v;
  }

  /** The variables for {@code report} at {@code stage}; {@code variables} is filled in by the policy. */
  static Map<String, Object> of(RiskReport report, String stage, int minScore) {
    Map<String, Object> v = new LinkedHashMap<>();
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("ref", report.image().name());
    image.put("digest", report.image().digest());
    image.put("user", report.image().user());
    image.put("labels", report.image().labels());
    v.put("image", image);
    v.put("stage", stage);
    v.put("minScore", (long) minScore);
    v.put("score", (long) report.score().value());
    v.put("grade", report.score().grade().name());
    List<Object> factors = new ArrayList<>();
    for (Factor f : report.score().factors()) {
      factors.add(Map.of("category", f.category().label(), "weight", f.weight(), "reason", f.reason(), "findings", f.findings()));
    }
    v.put("factors", factors);
    List<Object> findings = new ArrayList<>(report.findings().size());
    Map<String, List<Object>> byKind = new LinkedHashMap<>();
    for (Kind k : Kind.values()) {
      byKind.put(k.label(), new ArrayList<>());
    }
    List<Object> kev = new ArrayList<>();
    for (RiskFinding f : report.findings()) {
      Object view = finding(f);
      findings.add(view);
      byKind.get(f.kind().label()).add(view);
      if (f.kev()) {
        kev.add(view);
      }
    }
    v.put("findings", findings);
    v.put("byKind", byKind);
    v.put("kev", kev);
    List<Object> sigs = new ArrayList<>();
    List<Object> atts = new ArrayList<>();
    report.provenanceIfAny().ifPresent(p -> {
      for (Provenance.Signature s : p.signatures()) {
        sigs.add(Map.of("signer", s.signer(), "verified", s.verified()));
      }
      for (Provenance.Attestation a : p.attestations()) {
        atts.add(Map.of("predicateType", a.predicateType(), "signer", a.signer(), "verified", a.verified(),
            "issued", a.issuedIfAny().map(Object::toString).orElse(""), "stage", a.stageIfAny().orElse(""), "score", (long) a.scoreIfAny().orElse(-1),
            "result", a.resultIfAny().orElse("")));
      }
    });
    v.put("signatures", sigs);
    v.put("attestations", atts);
    v.put("variables", new LinkedHashMap<String, Object>());
    return v;
  }

  static Map<String, Object> finding(RiskFinding f) {
    return new FindingView(f);
  }

  /**
   * A finding as CEL sees it: a read-only map whose values are computed when asked for. A policy
   * reads a few fields of thousands of findings; building a map of every field for each would cost
   * more than the policy itself.
   */
  private static final class FindingView extends AbstractMap<String, Object> {
    private static final List<String> KEYS = List.of("id", "ids", "kind", "severity", "rank", "package", "version", "purl", "osManaged", "kev",
        "epss", "fixed", "fix", "fixedVersion", "realFormat", "title", "location");
    private final RiskFinding f;

    FindingView(RiskFinding f) {
      this.f = f;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String k && value(k) != null;
    }

    @Override
    public @Nullable Object get(Object key) {
      return key instanceof String k ? value(k) : null;
    }

    private @Nullable Object value(String key) {
      return switch (key) {
        case "id" -> f.id();
        case "ids" -> f.ids();
        case "kind" -> f.kind().label();
        case "severity" -> f.severity().label();
        case "rank" -> (long) switch (f.severity()) {
          case CRITICAL -> 4;
          case HIGH -> 3;
          case MEDIUM -> 2;
          case LOW -> 1;
          case NONE, UNKNOWN -> 0;
        };
        case "package" -> f.packageName();
        case "version" -> f.version();
        case "purl" -> f.purl();
        case "osManaged" -> f.osManaged();
        case "kev" -> f.kev();
        case "epss" -> f.epssIfAny().orElse(0.0);
        case "fixed" -> f.fix() == RiskFinding.Fix.FIXED;
        case "fix" -> f.fix().label();
        case "fixedVersion" -> f.fixedVersion() == null ? "" : f.fixedVersion();
        case "realFormat" -> f.realFormat();
        case "title" -> f.title();
        case "location" -> f.location();
        default -> null;
      };
    }

    @Override
    public int size() {
      return KEYS.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Set<Entry<String, Object>> entries = new LinkedHashSet<>();
      for (String k : KEYS) {
        entries.add(new SimpleImmutableEntry<>(k, java.util.Objects.requireNonNull(value(k))));
      }
      return java.util.Collections.unmodifiableSet(entries);
    }
  }
}
