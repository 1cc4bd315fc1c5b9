package dev.portcullis.server.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.catalog.sbom.CycloneDx;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Reason;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.AssessmentWriter;
import dev.portcullis.scan.DecisionWriter;
import dev.portcullis.scan.Provenances;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Job;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.Signer;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One scan job: read the image from its registry through the one {@link Scanner}, score it, decide
 * every stage of the policy, re-sign it when it passes, and store the result and the new state in
 * the same transaction that completes the job, so that a result is written once however often the
 * job was claimed.
 */
public final class ScanWork {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a finished scan decided, for the log and the metrics. */
  public record Outcome(ImageState state, int score, String summary) {}

  /** The job could not finish because another worker holds it now; nothing was written. */
  public static final class LeaseLost extends IOException {
    public LeaseLost(String message) {
      super(message);
    }
  }

  /** Rolls a transaction back when the job is no longer this worker's. */
  private static final class Lost extends RuntimeException {
    Lost() {
      super("lease lost", null, false, false);
    }
  }

  private final Setup setup;
  private final Store store;
  private final ServerLog log;

  public ScanWork(Setup setup, Store store, ServerLog log) {
    this.setup = setup;
    this.store = store;
    this.log = log;
  }

  /** Runs the job; empty when there was nothing to do (the image was decided already). */
  public Optional<Outcome> run(Job job) throws IOException {
    ServerConfig.Registry registry = setup.config().registry(job.registry())
        .orElseThrow(() -> new IOException("scan " + job.digest() + ": registry " + job.registry() + " is not configured"));
    Scanner scanner = setup.scanners().get(registry.name());
    String actor = "worker " + job.leaseOwner();
    boolean decided;
    try {
      decided = store.transaction(c -> {
      ImageStates images = store.images();
      images.seen(c, registry.name(), job.repository(), job.digest(), null, actor, "queued before the image was recorded");
      ImageStates.Image image = images.get(c, registry.name(), job.digest().toString()).orElseThrow();
      if (image.state().decided()) {
        if (!store.jobs().complete(c, job)) {
          throw new Lost();
        }
        return true;
      }
      images.transition(c, registry.name(), job.digest().toString(), ImageState.SCANNING, actor, "scan attempt " + job.attempts());
      return false;
    });
    } catch (Lost e) {
      throw new LeaseLost("scan " + job.digest() + ": another worker took the job over (lease expired)");
    }
    if (decided) {
      return Optional.empty();
    }
    ImageRef ref = ImageRef.parse(registry.authority() + "/" + job.repository() + "@" + job.digest());
    Instant now = Instant.now(store.clock());
    Assessment assessment = scanner.scan(new ImageSource.Remote(ref), setup.config().scanTimeout());
    RiskReport risk = assessment.risk();
    ReadOptions read = scanner.options().read();
    Set<PublicKey> keys = new LinkedHashSet<>(setup.trusted());
    for (String stage : setup.policy().stageNames()) {
      setup.policy().stage(stage).orElseThrow().attestations().forEach(a -> keys.addAll(a.keys()));
    }
    if (!keys.isEmpty()) {
      try (RegistryClient client = RegistryClient.create(read.registry(), read.listener())) {
        risk = risk.withProvenance(Provenances.of(client, ref, List.copyOf(keys), read.listener()));
      }
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Map<String, Gate.Result> results = new LinkedHashMap<>();
    ObjectNode decisions = JSON.createObjectNode();
    for (String stage : setup.policy().stageNames().stream().sorted().toList()) {
      Gate.Result r = Gate.evaluate(setup.policy(), stage, risk, setup.exceptions(), today);
      results.put(stage, r);
      decisions.set(stage, DecisionWriter.document(r, now, setup.toolVersion()));
    }
    Gate.Result mine = results.get(registry.stage());
    if (mine == null) {
      throw new IOException("scan " + ref + ": the policy " + setup.policy().name() + " has no stage " + registry.stage());
    }
    ImageState state = switch (mine.decision()) {
      case Decision.Allow a -> ImageState.PASSED;
      case Decision.Warn w -> ImageState.WARNED;
      case Decision.Deny d -> ImageState.QUARANTINED;
    };
    int score = mine.after().score().value();
    String summary = summary(mine, score);
    if (state != ImageState.QUARANTINED && setup.signer().isPresent()) {
      resign(ref, assessment, decisions.get(registry.stage()), setup.signer().get(), read);
    }
    ImageStates.Stored stored = new ImageStates.Stored(AssessmentWriter.json(assessment), RiskReportJson.write(risk), decisions.toString(),
        store.clock().millis());
    try {
      store.transaction(c -> {
        if (!store.jobs().complete(c, job)) {
          throw new Lost();
        }
        store.images().storeResult(c, registry.name(), job.digest().toString(), stored, score, summary);
        store.images().transition(c, registry.name(), job.digest().toString(), state, "scanner", summary);
        return null;
      });
    } catch (Lost e) {
      throw new LeaseLost("scan " + ref + ": another worker took the job over (lease expired); its result stands");
    }
    return Optional.of(new Outcome(state, score, summary));
  }

  /** "deny at prod: rule: message; ... (score 23/100, policy built-in)". */
  static String summary(Gate.Result r, int score) {
    String reasons = r.decision().reasons().stream().filter(x -> r.decision() instanceof Decision.Deny ? x.action().label().equals("deny") : true)
        .map(Reason::message).collect(Collectors.joining("; "));
    String head = r.decision().label() + " at " + r.stage();
    return (reasons.isEmpty() ? head : head + ": " + reasons) + " (score " + score + "/100, policy " + r.policy().name() + ")";
  }

  private void resign(ImageRef ref, Assessment assessment, JsonNode verdict, Signer signer, ReadOptions read) throws IOException {
    try (RegistryClient client = RegistryClient.create(read.registry(), read.listener())) {
      ImageSigner images = new ImageSigner(new CosignStore(client));
      images.attest(ref, PredicateTypes.VERDICT, verdict, signer);
      if (assessment.catalog().isPresent()) {
        String bom = CycloneDx.write(assessment.catalog().get(), ref.toString(), assessment.subject().digest(), setup.toolVersion());
        images.attest(ref, PredicateTypes.CYCLONEDX, JSON.readTree(bom), signer);
      }
    }
    log.info("attested verdict and SBOM of " + ref + " with key " + signer.keyId());
  }
}
