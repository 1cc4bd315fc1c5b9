package dev.portcullis.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.store.ImageStates;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the image page shows of the last scan, read from the JSON the server stores
 * ({@link ImageStates.Stored}: the assessment, the risk report and every stage's decision
 * document). Reading never fails: a part that cannot be read is left out and named in
 * {@link #problems()}, so the page still shows the rest.
 *
 * @param scannedAt when the scan was stored (epoch milliseconds)
 * @param vulnerabilityDatabase when the vulnerability database it used was built, if known
 * @param score the image's own score and its factors, before any exception; {@code null} when unreadable
 * @param decisions each stage's decision, by stage name
 * @param findings every finding of the risk report, in its order
 * @param layers the image's layers (those the stored result lists, and those findings were found in), bottom first where known
 * @param labels the image's labels
 * @param user the image's configured user ("" when unset)
 * @param provenance the signatures and attestations found; {@code null} when nobody looked (no policy asked)
 * @param problems what could not be read, one line each
 */
public record StoredAssessment(long scannedAt, @Nullable String vulnerabilityDatabase, @Nullable Score score, List<StageDecision> decisions,
    List<Finding> findings, List<Layer> layers, Map<String, String> labels, String user, @Nullable Provenance provenance,
    List<String> problems) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public StoredAssessment {
    decisions = List.copyOf(decisions);
    findings = List.copyOf(findings);
    layers = List.copyOf(layers);
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    problems = List.copyOf(problems);
  }

  /** A score and how it came about. */
  public record Score(int value, String grade, Map<String, Double> deductions, List<Factor> factors) {
    public Score {
      deductions = Collections.unmodifiableMap(new LinkedHashMap<>(deductions));
      factors = List.copyOf(factors);
    }
  }

  /**
   * One deduction or ceiling of a score.
   *
   * @param weight what each of its findings weighs (0–1)
   * @param findings the IDs of the findings it came from
   * @param ceiling the highest score it allows, for factors that cap rather than deduct
   */
  public record Factor(String category, double weight, String reason, List<String> findings, @Nullable Integer ceiling) {
    public Factor {
      findings = List.copyOf(findings);
    }
  }

  /**
   * A stage's decision.
   *
   * @param decision {@code allow}, {@code warn} or {@code deny}
   * @param score the score after the exceptions that apply at the stage
   */
  public record StageDecision(String stage, String decision, int score, String grade, int scoreBeforeExceptions, List<RuleFired> rulesFired,
      List<ExceptionUsed> exceptionsUsed, String policy) {
    public StageDecision {
      rulesFired = List.copyOf(rulesFired);
      exceptionsUsed = List.copyOf(exceptionsUsed);
    }
  }

  /** A policy rule that fired: its action ({@code deny}, {@code warn}) and message. */
  public record RuleFired(String rule, String action, String message) {}

  /** An exception that excused findings at a stage. */
  public record ExceptionUsed(String id, String scope, String approver, String expires, List<String> findings) {
    public ExceptionUsed {
      findings = List.copyOf(findings);
    }
  }

  /**
   * One finding.
   *
   * @param kind {@code vulnerability}, {@code misconfiguration}, {@code secret} or {@code debug}
   * @param severity {@code critical}, {@code high}, {@code medium}, {@code low}, {@code negligible} or {@code unknown}
   * @param location the package's file, or the finding's file, line or configuration field
   * @param fix {@code fixed}, {@code not-fixed} or {@code wont-fix} for vulnerabilities; "" otherwise
   * @param message what a check said about this occurrence ("" for vulnerabilities, or when not stored)
   */
  public record Finding(String id, List<String> aliases, String kind, String severity, String title, String location, String packageName,
      String version, String fix, @Nullable String fixedVersion, boolean kev, @Nullable Double epss, String message) {
    public Finding {
      aliases = List.copyOf(aliases);
    }

    /** Whether a fixed version exists. */
    public boolean fixable() {
      return fix.equals("fixed");
    }
  }

  /**
   * A layer of the image.
   *
   * @param index its position, bottom first; -1 when not known
   * @param digest its diff ID (the digest of the uncompressed layer)
   * @param size its size in bytes; {@code null} when not known
   * @param createdBy the build step that made it ("" when not known)
   */
  public record Layer(int index, String digest, @Nullable Long size, String createdBy) {}

  /** The signatures and attestations found for the image. */
  public record Provenance(List<Signature> signatures, List<Attestation> attestations) {
    public Provenance {
      signatures = List.copyOf(signatures);
      attestations = List.copyOf(attestations);
    }
  }

  /** A signature over the image, by a key ID or certificate identity. */
  public record Signature(String signer, boolean verified) {}

  /** An attestation; a verdict also names its stage and score, a test result its result. */
  public record Attestation(String predicateType, String signer, boolean verified, @Nullable String issued, @Nullable String stage,
      @Nullable Integer score, @Nullable String result) {}

  /** Reads the stored result of one scan; {@code vulnerabilityDatabase} as the store returns it, or {@code null}. */
  public static StoredAssessment read(ImageStates.Stored stored, @Nullable String vulnerabilityDatabase) {
    List<String> problems = new ArrayList<>();
    JsonNode assessment = tree(stored.assessment(), "assessment", problems);
    JsonNode risk = tree(stored.risk(), "risk report", problems);
    JsonNode decisionDocs = tree(stored.decisions(), "decisions", problems);
    Score score = risk.has("score") ? score(risk.path("score")) : null;
    if (score == null && !risk.isMissingNode()) {
      problems.add("the risk report has no score");
    }
    Map<String, String> messages = checkMessages(assessment);
    List<Finding> findings = new ArrayList<>();
    for (JsonNode n : risk.path("findings")) {
      String id = n.path("id").asText("");
      String location = n.path("location").asText("");
      List<String> aliases = new ArrayList<>();
      n.path("aliases").forEach(a -> aliases.add(a.asText()));
      findings.add(new Finding(id, aliases, n.path("kind").asText(""), n.path("severity").asText("unknown"), n.path("title").asText(""), location,
          n.path("package").asText(""), n.path("version").asText(""), n.path("fix").asText(""),
          n.hasNonNull("fixedVersion") ? n.get("fixedVersion").asText() : null, n.path("kev").asBoolean(false),
          n.hasNonNull("epss") ? n.get("epss").asDouble() : null, messages.getOrDefault(id + "\u0000" + location, "")));
    }
    List<StageDecision> decisions = new ArrayList<>();
    decisionDocs.properties().forEach(e -> decisions.add(decision(e.getKey(), e.getValue())));
    Map<String, String> labels = new TreeMap<>();
    risk.path("image").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    Provenance provenance = null;
    if (risk.hasNonNull("provenance")) {
      JsonNode p = risk.get("provenance");
      List<Signature> sigs = new ArrayList<>();
      p.path("signatures").forEach(s -> sigs.add(new Signature(s.path("signer").asText(""), s.path("verified").asBoolean(false))));
      List<Attestation> atts = new ArrayList<>();
      p.path("attestations").forEach(a -> atts.add(new Attestation(a.path("predicateType").asText(""), a.path("signer").asText(""),
          a.path("verified").asBoolean(false), text(a, "issued"), text(a, "stage"), a.hasNonNull("score") ? a.get("score").asInt() : null,
          text(a, "result"))));
      provenance = new Provenance(sigs, atts);
    }
    return new StoredAssessment(stored.scannedAt(), vulnerabilityDatabase, score, decisions, findings, layers(assessment), labels,
        risk.path("image").path("user").asText(""), provenance, problems);
  }

  /** Each stage's decision label ({@code allow}, {@code warn}, {@code deny}) in stored decision documents; empty when unreadable. */
  public static Map<String, String> decisionLabels(String decisions) {
    Map<String, String> out = new TreeMap<>();
    try {
      JsonNode root = JSON.readTree(decisions);
      if (root != null) {
        root.properties().forEach(e -> {
          String d = e.getValue().path("decision").asText("");
          if (!d.isEmpty()) {
            out.put(e.getKey(), d);
          }
        });
      }
    } catch (IOException e) {
      // an unreadable document shows as no decision; the image page says why
    }
    return out;
  }

  private static JsonNode tree(String json, String what, List<String> problems) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n != null && n.isObject()) {
        return n;
      }
      problems.add("the stored " + what + " is not a JSON object");
    } catch (IOException e) {
      problems.add("the stored " + what + " is not JSON: " + e.getClass().getSimpleName());
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static @Nullable String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static Score score(JsonNode n) {
    Map<String, Double> deductions = new LinkedHashMap<>();
    n.path("deductions").properties().forEach(e -> deductions.put(e.getKey(), e.getValue().asDouble()));
    return new Score(n.path("value").asInt(0), n.path("grade").asText(""), deductions, factors(n.path("factors")));
  }

  private static List<Factor> factors(JsonNode list) {
    List<Factor> factors = new ArrayList<>();
    for (JsonNode f : list) {
      List<String> ids = new ArrayList<>();
      f.path("findings").forEach(x -> ids.add(x.asText()));
      factors.add(new Factor(f.path("category").asText(""), f.path("weight").asDouble(0), f.path("reason").asText(""), ids,
          f.hasNonNull("ceiling") ? f.get("ceiling").asInt() : null));
    }
    return factors;
  }

  private static StageDecision decision(String stage, JsonNode d) {
    List<RuleFired> fired = new ArrayList<>();
    d.path("rulesFired").forEach(r -> fired.add(new RuleFired(r.path("rule").asText(""), r.path("action").asText(""), r.path("message").asText(""))));
    List<ExceptionUsed> used = new ArrayList<>();
    for (JsonNode e : d.path("exceptionsUsed")) {
      List<String> ids = new ArrayList<>();
      e.path("findings").forEach(x -> ids.add(x.asText()));
      used.add(new ExceptionUsed(e.path("id").asText(""), e.path("scope").asText(""), e.path("approver").asText(""), e.path("expires").asText(""),
          ids));
    }
    return new StageDecision(stage, d.path("decision").asText(""), d.path("score").asInt(0), d.path("grade").asText(""),
        d.path("scoreBeforeExceptions").asInt(d.path("score").asInt(0)), fired, used, d.path("policy").path("name").asText(""));
  }

  /** The message of each check finding, by its ID and its location as the risk report writes it. */
  private static Map<String, String> checkMessages(JsonNode assessment) {
    Map<String, String> out = new HashMap<>();
    for (String part : List.of("misconfigurations", "secrets")) {
      for (JsonNode f : assessment.path(part)) {
        out.putIfAbsent(f.path("id").asText("") + "\u0000" + display(f.path("location")), f.path("message").asText(""));
      }
    }
    return out;
  }

  /** A check finding's location as {@code FindingLocation.display()} writes it. */
  private static String display(JsonNode l) {
    if (l.has("file")) {
      int column = l.path("column").asInt(0);
      return l.path("file").asText("") + ":" + l.path("line").asInt(0) + (column > 0 ? ":" + column : "");
    }
    if (l.has("field")) {
      return l.path("field").asText("");
    }
    return l.path("path").asText("") + " (layer " + l.path("layer").asInt(0) + ")";
  }

  private static List<Layer> layers(JsonNode assessment) {
    Map<String, Layer> byDigest = new LinkedHashMap<>();
    // every layer of the image, as the server stores it beside the scan's document (by diff ID, as findings name them)
    for (JsonNode l : assessment.path("subjectLayers")) {
      if (l.hasNonNull("diffId")) {
        byDigest.put(l.get("diffId").asText(), new Layer(l.path("index").asInt(-1), l.get("diffId").asText(),
            l.path("size").canConvertToLong() ? l.get("size").asLong() : null, l.path("createdBy").asText("")));
      }
    }
    for (JsonNode f : assessment.path("findings")) {
      JsonNode pkg = f.path("package");
      if (pkg.hasNonNull("layerDiffId")) {
        String digest = pkg.get("layerDiffId").asText();
        String createdBy = f.path("layerCreatedBy").asText("");
        byDigest.merge(digest, new Layer(-1, digest, null, createdBy), StoredAssessment::merge);
      }
    }
    for (String part : List.of("misconfigurations", "secrets")) {
      for (JsonNode f : assessment.path(part)) {
        JsonNode l = f.path("location");
        if (l.hasNonNull("layerDiffId")) {
          String digest = l.get("layerDiffId").asText();
          byDigest.merge(digest, new Layer(l.path("layer").asInt(-1), digest, null, ""), StoredAssessment::merge);
        }
      }
    }
    List<Layer> layers = new ArrayList<>(byDigest.values());
    // known positions first, bottom up; the rest in the order found
    layers.sort(Comparator.comparingInt(l -> l.index() < 0 ? Integer.MAX_VALUE : l.index()));
    return layers;
  }

  private static Layer merge(Layer a, Layer b) {
    return new Layer(a.index() >= 0 ? a.index() : b.index(), a.digest(), a.size() != null ? a.size() : b.size(),
        a.createdBy().isEmpty() ? b.createdBy() : a.createdBy());
  }
}
