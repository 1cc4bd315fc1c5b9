package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.trust.TrustPolicy;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.Layer;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.Reason;
import dev.portcullis.policy.score.Category;
import dev.portcullis.policy.score.Factor;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.policy.score.RiskReports;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.ScanReport;
import dev.portcullis.vuln.report.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis gate SOURCE --stage STAGE}: scan (or read a saved report), score, apply exceptions, and decide. */
@Command(name = "gate", mixinStandardHelpOptions = true,
    description = "Scan an image for vulnerabilities, misconfigurations, secrets and debug leftovers (or read a saved risk report), score it, "
        + "apply exceptions and decide allow, warn or deny for a stage of a policy (the built-in dev/test/prod one by default).",
    footer = {"", "Exit codes: 0 allow or warn (warnings on stderr; --warn-as-error makes them 1), 1 deny, 2 and above errors.",
        "With --report, SOURCE is not read: the saved report names the image. docs/policy.md describes policies and exceptions."})
final class GateCommand extends ImageCommand.Base {
  static final int ERROR = 2;

  @Option(names = "--stage", required = true, paramLabel = "STAGE", description = "The stage to decide for (dev, test, prod with the built-in policy).")
  String stage;

  @Option(names = "--policy", paramLabel = "FILE", description = "A policy file (default: the built-in policy).")
  @Nullable Path policy;

  @Option(names = "--exceptions", paramLabel = "FILE", description = "An exceptions file.")
  @Nullable Path exceptions;

  @Option(names = "--report", paramLabel = "SAVED.json", description = "Decide on a saved risk report instead of scanning.")
  @Nullable Path report;

  @Option(names = "--save-report", paramLabel = "FILE", description = "Write the risk report (before exceptions) to FILE.")
  @Nullable Path saveReport;

  @Option(names = "--db", paramLabel = "FILE", description = "The vulnerability database (default: ~/.cache/portcullis/db).")
  @Nullable Path db;

  @Option(names = "--trust", paramLabel = "FILE", description = "A trust policy: its keys check the image's signatures and attestations "
      + "(an image in a registry only; the policy's attestation requirements add their own keys).")
  @Nullable Path trust;

  @Option(names = "--warn-as-error", description = "Exit 1 on warn as well as on deny.")
  boolean warnAsError;

  @Option(names = "--at", hidden = true, paramLabel = "INSTANT", description = "Decide as of this time (tests).")
  @Nullable Instant at;

  @Mixin CelLimitsOptions cel = new CelLimitsOptions();

  @Override
  int run() {
    try {
      return decide();
    } catch (IOException | IllegalArgumentException | Main.CommandFailure e) {
      return failed(e, ERROR);
    }
  }

  private int decide() throws IOException {
    Instant now = at != null ? at : Instant.now();
    Gate.Result result = evaluate(this, stage, policy, exceptions, report, saveReport, db, now, cel.limits(),
        trust == null ? List.of() : TrustPolicy.load(trust).keys());
    var listener = common.listener(stderr);
    for (ExceptionFile.Refused r : result.refused()) {
      listener.warn("exception " + r.name() + " refused: " + r.reason());
    }
    for (PolicyException e : result.expired()) {
      listener.warn("exception " + e.name() + " expired on " + e.expires() + " and no longer applies (" + e.scope() + ")");
    }
    if (common.format == CommonOptions.Format.JSON) {
      json(document(result, now));
    } else {
      stdout.print(text(result));
    }
    if (result.decision() instanceof Decision.Warn w) {
      for (Reason r : w.warnings()) {
        listener.warn(r.rule() + ": " + r.message());
      }
    }
    return switch (result.decision()) {
      case Decision.Allow a -> 0;
      case Decision.Warn w -> warnAsError ? Main.FAILED : 0;
      case Decision.Deny d -> Main.FAILED;
    };
  }

  /**
   * The gate's decision on {@code command}'s image (or a saved report) at {@code stage}: what {@code gate}
   * prints and {@code attest --type verdict} signs.
   */
  static Gate.Result evaluate(ImageCommand.Base command, String stage, @Nullable Path policy, @Nullable Path exceptions, @Nullable Path report,
      @Nullable Path saveReport, @Nullable Path db, Instant now, CelLimits limits, List<PublicKey> trusted) throws IOException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    PolicyFile policies = new PolicyFile(new RuleCompiler(limits));
    Policy chosen;
    if (policy == null) {
      chosen = policies.defaultPolicy();
    } else {
      switch (policies.load(policy)) {
        case PolicyFile.Valid v -> chosen = v.policy();
        case PolicyFile.Invalid i -> {
          i.problems().forEach(p -> command.stderr.println(TerminalText.escape(p.display())));
          throw new Main.CommandFailure(i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in the policy " + policy);
        }
      }
    }
    if (chosen.stage(stage).isEmpty()) {
      throw new IllegalArgumentException("policy " + chosen.name() + " has no stage " + stage + " (" + String.join(", ", chosen.stageNames()) + ")");
    }
    ExceptionFile.Loaded loaded = exceptions == null ? ExceptionFile.Loaded.NONE : ExceptionFile.read(exceptions);
    RiskReport risk = report != null ? RiskReportJson.read(report.toString(), Files.readString(report, StandardCharsets.UTF_8)) : scan(command, db);
    Set<PublicKey> keys = new LinkedHashSet<>(trusted);
    chosen.stage(stage).orElseThrow().attestations().forEach(a -> keys.addAll(a.keys()));
    if (report == null && !keys.isEmpty() && ImageSource.parse(command.source) instanceof ImageSource.Remote remote) {
      risk = risk.withProvenance(provenance(command, remote.ref().withDigest(Digest.parse(risk.image().digest())), List.copyOf(keys)));
    }
    if (saveReport != null) {
      Files.writeString(saveReport, RiskReportJson.write(risk), StandardCharsets.UTF_8);
    }
    return Gate.evaluate(chosen, stage, risk, loaded, today);
  }

  /**
   * The signatures and attestations stored beside {@code image} (pinned to the digest scanned), each
   * checked against {@code keys}: one entry per key that verifies it, one unverified entry otherwise. A
   * verdict attestation also gives its stage, score and time.
   */
  static Provenance provenance(ImageCommand.Base command, ImageRef image, List<PublicKey> keys) throws IOException {
    List<Provenance.Signature> signatures = new ArrayList<>();
    List<Provenance.Attestation> attestations = new ArrayList<>();
    try (RegistryClient client = RegistryClient.create(command.common.readOptions(command.stderr, Main.of(command.spec).in).registry(),
        command.common.listener(command.stderr))) {
      Listing listing = new CosignVerifier(new CosignStore(client), Clock.systemUTC()).list(image, keys);
      for (Listing.Entry e : listing.entries()) {
        String type = e.layer().annotations().getOrDefault(SignatureManifest.PREDICATE_TYPE_ANNOTATION, "");
        switch (e.check()) {
          case Listing.LayerCheck.Refused r -> {
            if (e.kind() == Attachment.SIGNATURES) {
              signatures.add(new Provenance.Signature("", false));
            } else {
              attestations.add(new Provenance.Attestation(type, "", false));
            }
          }
          case Listing.LayerCheck.Accepted a -> {
            for (String keyId : a.evidence().keyIds()) {
              switch (a.evidence()) {
                case Evidence.Signature sig -> signatures.add(new Provenance.Signature(keyId, true));
                case Evidence.Attestation att -> {
                  JsonNode p = att.statement().predicate();
                  boolean verdict = att.statement().predicateType().equals(PredicateTypes.VERDICT);
                  attestations.add(new Provenance.Attestation(att.statement().predicateType(), keyId, true, att.time().orElse(null),
                      verdict && p.path("stage").isTextual() ? p.get("stage").asText() : null,
                      verdict && p.path("score").isInt() ? p.get("score").asInt() : null));
                }
              }
            }
          }
        }
      }
      listing.unreadable().forEach(u -> command.common.listener(command.stderr).warn("signatures of " + image + ": " + u));
    }
    return new Provenance(signatures, attestations);
  }

  /** Vulnerabilities and every rules check, the way scan and config do, from one read of the image. */
  private static RiskReport scan(ImageCommand.Base command, @Nullable Path db) throws IOException {
    Path dbFile = db == null ? Database.defaultLocation() : db;
    try (Database database = Database.open(dbFile); Image image = command.openImage()) {
      Catalog catalog = Catalog.read(image, command.scanner(), Catalogers.all(), Path.of(System.getProperty("java.io.tmpdir")));
      List<Layer> layers = image.layers();
      IntFunction<Optional<String>> createdBy = i -> i >= 0 && i < layers.size() ? layers.get(i).createdBy() : Optional.empty();
      NoiseControl noise = new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(), LocalDate.now(ZoneOffset.UTC));
      ScanReport vulnerabilities = ScanCommand.report(database, catalog, image.name(), image.digest(), ScanCommand.vexSubject(command.source, image),
          createdBy, noise);
      Contents.ImageRead read = Contents.read(image, command.scanner(), Checks.contentInterest(), ReadLimits.DEFAULT);
      Report rules = ConfigCommand.checkImage(new Engine(Checks.all()), image, read);
      for (String w : read.tree().warnings()) {
        command.common.listener(command.stderr).warn(w);
      }
      ImageFacts facts = new ImageFacts(image.name(), image.digest().toString(), image.config().user(), image.config().labels());
      return RiskReports.of(facts, vulnerabilities, rules);
    }
  }

  static String text(Gate.Result r) {
    StringBuilder b = new StringBuilder();
    RiskReport after = r.after();
    b.append(r.decision().label().toUpperCase(Locale.ROOT)).append("  ").append(esc(after.image().name())).append(" at ").append(r.stage())
        .append(" (policy ").append(esc(r.policy().name())).append(")\n");
    b.append("image   ").append(after.image().digest()).append('\n');
    b.append("score   ").append(after.score().value()).append("/100, grade ").append(after.score().grade());
    if (after.score().value() != r.before().score().value()) {
      b.append(" (").append(r.before().score().value()).append(" before exceptions)");
    }
    b.append(", stage minimum ").append(r.policy().stage(r.stage()).orElseThrow().minScore()).append('\n');
    for (Map.Entry<Category, Double> d : after.score().deductions().entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-17s -%5.1f %%%n", d.getKey().label(), 100 * d.getValue()));
      for (Factor f : after.score().factors()) {
        if (f.category() == d.getKey() && f.ceiling() == null) {
          b.append(String.format(Locale.ROOT, "      %.4f  %s%s%n", f.weight(), esc(f.reason()), f.findings().isEmpty() ? "" : ": " + esc(String.join(", ", f.findings()))));
        }
      }
    }
    for (Factor f : after.score().factors()) {
      if (f.ceiling() != null) {
        b.append("  ceiling ").append(f.ceiling()).append(": ").append(esc(f.reason())).append(": ").append(esc(String.join(", ", f.findings()))).append('\n');
      }
    }
    if (!r.decision().reasons().isEmpty()) {
      b.append("reasons\n");
      for (Reason reason : r.decision().reasons()) {
        b.append("  ").append(reason.action().label()).append("  ").append(esc(reason.rule())).append(": ").append(esc(reason.message())).append('\n');
      }
    }
    for (Gate.Used u : r.used()) {
      PolicyException e = u.exception();
      b.append("excepted ").append(esc(e.name())).append(" (").append(esc(e.scope())).append("), until ").append(e.expires()).append(", owner ").append(esc(e.owner()))
          .append(", approved by ").append(esc(e.approver())).append(": ").append(esc(String.join(", ", u.findings()))).append('\n');
    }
    for (PolicyException e : r.expired()) {
      b.append("expired  ").append(esc(e.name())).append(" (").append(esc(e.scope())).append(") on ").append(e.expires()).append('\n');
    }
    for (ExceptionFile.Refused e : r.refused()) {
      b.append("refused  ").append(esc(e.name())).append(": ").append(esc(e.reason())).append('\n');
    }
    return b.toString();
  }

  /** Policy, exception and image texts come from other teams and the image: one escaped line each. */
  private static String esc(String s) {
    return TerminalText.escape(s);
  }

  static ObjectNode document(Gate.Result r, Instant now) throws IOException {
    ObjectNode d = JsonOutput.MAPPER.createObjectNode();
    RiskReport after = r.after();
    d.put("image", after.image().name());
    d.put("imageDigest", after.image().digest());
    d.put("stage", r.stage());
    d.put("decision", r.decision().label());
    d.put("score", after.score().value());
    d.put("grade", after.score().grade().name());
    d.put("scoreBeforeExceptions", r.before().score().value());
    ObjectNode score = RiskReportJson.score(after.score());
    d.set("deductions", score.get("deductions"));
    d.set("factors", score.get("factors"));
    ArrayNode fired = d.putArray("rulesFired");
    for (Reason reason : r.decision().reasons()) {
      fired.addObject().put("rule", reason.rule()).put("action", reason.action().label()).put("message", reason.message());
    }
    ArrayNode used = d.putArray("exceptionsUsed");
    for (Gate.Used u : r.used()) {
      ObjectNode e = exception(used.addObject(), u.exception());
      u.findings().forEach(e.putArray("findings")::add);
    }
    ArrayNode expired = d.putArray("exceptionsExpired");
    r.expired().forEach(e -> exception(expired.addObject(), e));
    ArrayNode refused = d.putArray("exceptionsRefused");
    r.refused().forEach(e -> refused.addObject().put("id", e.name()).put("reason", e.reason()));
    d.putObject("policy").put("name", r.policy().name()).put("digest", r.policy().digest());
    if (after.databaseBuilt() != null) {
      d.put("databaseBuilt", after.databaseBuilt().toString());
    } else {
      d.putNull("databaseBuilt");
    }
    d.put("toolVersion", Main.Version.number());
    d.put("time", now.toString());
    return d;
  }

  private static ObjectNode exception(ObjectNode n, PolicyException e) {
    return n.put("id", e.name()).put("scope", e.scope()).put("justification", e.justification()).put("owner", e.owner())
        .put("requester", e.requester()).put("approver", e.approver()).put("expires", e.expires().toString());
  }
}
