package dev.portcullis.policy.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The saved risk report, {@code "schema": "portcullis.dev/risk-report/v1"}: the image, the
 * database build time, the findings, the provenance when known, and the score with its factors.
 * Reading recomputes the score from the facts; a saved score that disagrees is refused, since a
 * hand-edited number must not pass a gate.
 */
public final class RiskReportJson {
  public static final String SCHEMA = "portcullis.dev/risk-report/v1";
  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private RiskReportJson() {}

  public static String write(RiskReport report) {
    try {
      return MAPPER.writeValueAsString(tree(report)) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("a tree of our own always serialises", e);
    }
  }

  public static ObjectNode tree(RiskReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    ObjectNode image = root.putObject("image");
    image.put("name", report.image().name());
    image.put("digest", report.image().digest());
    image.put("user", report.image().user());
    ObjectNode labels = image.putObject("labels");
    report.image().labels().forEach(labels::put);
    if (report.databaseBuilt() != null) {
      root.put("databaseBuilt", report.databaseBuilt().toString());
    }
    root.set("score", score(report.score()));
    ArrayNode findings = root.putArray("findings");
    for (RiskFinding f : report.findings()) {
      ObjectNode n = findings.addObject();
      n.put("id", f.id());
      if (!f.aliases().isEmpty()) {
        f.aliases().forEach(n.putArray("aliases")::add);
      }
      n.put("kind", f.kind().label());
      n.put("severity", f.severity().label());
      n.put("title", f.title());
      n.put("location", f.location());
      if (f.kind() == Kind.VULNERABILITY) {
        n.put("package", f.packageName());
        n.put("version", f.version());
        n.put("purl", f.purl());
        n.put("osManaged", f.osManaged());
        n.put("kev", f.kev());
        if (f.epss() != null) {
          n.put("epss", f.epss());
        }
        n.put("fix", f.fix().label());
        if (f.fixedVersion() != null) {
          n.put("fixedVersion", f.fixedVersion());
        }
      }
      if (f.kind() == Kind.SECRET) {
        n.put("realFormat", f.realFormat());
      }
    }
    report.provenanceIfAny().ifPresent(p -> {
      ObjectNode n = root.putObject("provenance");
      ArrayNode sigs = n.putArray("signatures");
      p.signatures().forEach(s -> sigs.addObject().put("signer", s.signer()).put("verified", s.verified()));
      ArrayNode atts = n.putArray("attestations");
      p.attestations().forEach(a -> {
        ObjectNode o = atts.addObject().put("predicateType", a.predicateType()).put("signer", a.signer()).put("verified", a.verified());
        a.issuedIfAny().ifPresent(t -> o.put("issued", t.toString()));
        a.stageIfAny().ifPresent(t -> o.put("stage", t));
        a.scoreIfAny().ifPresent(t -> o.put("score", t));
        a.resultIfAny().ifPresent(t -> o.put("result", t));
      });
    });
    return root;
  }

  public static ObjectNode score(RiskScore score) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("value", score.value());
    n.put("grade", score.grade().name());
    ObjectNode deductions = n.putObject("deductions");
    score.deductions().forEach((c, d) -> deductions.put(c.label(), d));
    ArrayNode factors = n.putArray("factors");
    for (Factor f : score.factors()) {
      ObjectNode o = factors.addObject();
      o.put("category", f.category().label());
      o.put("weight", f.weight());
      o.put("reason", f.reason());
      f.findings().forEach(o.putArray("findings")::add);
      if (f.ceiling() != null) {
        o.put("ceiling", f.ceiling());
      }
    }
    return n;
  }

  /** Reads a saved report; {@code name} is used in messages. */
  public static RiskReport read(String name, String json) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("read risk report " + name + ": not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !SCHEMA.equals(root.path("schema").asText())) {
      throw new IOException("read risk report " + name + ": schema is not " + SCHEMA);
    }
    try {
      JsonNode img = root.path("image");
      Map<String, String> labels = new TreeMap<>();
      img.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      ImageFacts image = new ImageFacts(text(img, "name"), text(img, "digest"), img.path("user").asText(""), labels);
      Instant built = root.hasNonNull("databaseBuilt") ? Instant.parse(root.get("databaseBuilt").asText()) : null;
      List<RiskFinding> findings = new ArrayList<>();
      int i = 0;
      for (JsonNode n : root.path("findings")) {
        String where = "findings[" + i++ + "]";
        Kind kind = Kind.parse(n.path("kind").asText()).orElseThrow(() -> new IOException(where + ".kind: not one of vulnerability, misconfiguration, secret, debug"));
        Severity severity = Severity.parse(n.path("severity").asText("unknown")).orElseThrow(() -> new IOException(where + ".severity: unknown " + n.path("severity")));
        List<String> aliases = new ArrayList<>();
        n.path("aliases").forEach(a -> aliases.add(a.asText()));
        RiskFinding.Fix fix = kind == Kind.VULNERABILITY
            ? RiskFinding.Fix.parse(n.path("fix").asText()).orElseThrow(() -> new IOException(where + ".fix: not one of fixed, not-fixed, wont-fix"))
            : RiskFinding.Fix.NOT_APPLICABLE;
        findings.add(new RiskFinding(text(n, "id"), aliases, kind, severity, n.path("package").asText(""), n.path("version").asText(""),
            n.path("purl").asText(""), n.path("osManaged").asBoolean(false), n.path("kev").asBoolean(false),
            n.hasNonNull("epss") ? n.get("epss").asDouble() : null, fix, n.hasNonNull("fixedVersion") ? n.get("fixedVersion").asText() : null,
            n.path("realFormat").asBoolean(false), n.path("title").asText(""), n.path("location").asText("")));
      }
      Provenance provenance = null;
      if (root.hasNonNull("provenance")) {
        List<Provenance.Signature> sigs = new ArrayList<>();
        root.get("provenance").path("signatures").forEach(s -> sigs.add(new Provenance.Signature(s.path("signer").asText(), s.path("verified").asBoolean())));
        List<Provenance.Attestation> atts = new ArrayList<>();
        root.get("provenance").path("attestations").forEach(a -> atts.add(
            new Provenance.Attestation(a.path("predicateType").asText(), a.path("signer").asText(), a.path("verified").asBoolean(),
                a.hasNonNull("issued") ? Instant.parse(a.get("issued").asText()) : null, a.hasNonNull("stage") ? a.get("stage").asText() : null,
                a.hasNonNull("score") ? a.get("score").asInt() : null, a.hasNonNull("result") ? a.get("result").asText() : null)));
        provenance = new Provenance(sigs, atts);
      }
      RiskReport report = RiskReport.of(image, built, findings, provenance);
      JsonNode saved = root.path("score").path("value");
      if (saved.isInt() && saved.asInt() != report.score().value()) {
        throw new IOException("score is " + saved.asInt() + " but its findings score " + report.score().value() + " (edited by hand?)");
      }
      return report;
    } catch (IOException | RuntimeException e) {
      throw new IOException("read risk report " + name + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) throws IOException {
    if (!n.hasNonNull(field) || n.get(field).asText().isBlank()) {
      throw new IOException("missing " + field);
    }
    return n.get(field).asText();
  }
}
