package dev.portcullis.server.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.catalog.sbom.CycloneDx;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.Reason;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.AssessmentWriter;
import dev.portcullis.scan.DecisionWriter;
import dev.portcullis.scan.Provenances;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.DatabaseVersion;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One scan or re-scan job: read the image from its registry through the one {@link Scanner}, score
 * it, decide every stage of the policy, re-sign it when it passes, and store the result and the new
 * state in the same transaction that completes the job, so that a result is written once however
 * often the job was claimed.
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
  private final Metrics metrics;

  public ScanWork(Setup setup, Store store, ServerLog log, Metrics metrics) {
    this.setup = setup;
    this.store = store;
    this.log = log;
    this.metrics = metrics;
  }

  /** What the policy made of one scan: every stage's decision document, and the registry's stage's decision as a state. */
  private record Decided(Assessment assessment, RiskReport risk, ObjectNode decisions, Gate.Result mine, ImageState state, int score,
      String summary) {}

  /** Runs the job; empty when there was nothing to do (the image was decided already, or a re-scan had no reason to run). */
  public Optional<Outcome> run(Job job) throws IOException {
    ServerConfig.Registry registry = setup.config().registry(job.registry())
        .orElseThrow(() -> new IOException("scan " + job.digest() + ": registry " + job.registry() + " is not configured"));
    return switch (job.kind()) {
      case SCAN -> scan(job, registry);
      case RESCAN -> rescan(job, registry);
      case EVIDENCE -> evidence(job, registry);
      case PROMOTE -> throw new IllegalArgumentException("a promotion job is run by PromoteWork, not ScanWork");
    };
  }

  private Optional<Outcome> scan(Job job, ServerConfig.Registry registry) throws IOException {
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
    ImageRef ref = ref(registry, job);
    try (Scanners.Lease lease = setup.scanners().acquire()) {
      Decided d = decide(ref, lease.scanner(registry.name()), registry);
      if (d.state() != ImageState.QUARANTINED && setup.signer().isPresent()) {
        resign(ref, d.assessment(), d.decisions().get(registry.stage()), setup.signer().get(), lease.scanner(registry.name()).options().read());
      }
      ImageStates.Stored result = stored(d);
      try {
        store.transaction(c -> {
          if (!store.jobs().complete(c, job)) {
            throw new Lost();
          }
          store.images().storeResult(c, registry.name(), job.digest().toString(), result, d.score(), d.summary(), lease.version());
          String read = d.assessment().subject().digest().toString();
          if (!read.equals(job.digest().toString())) {
            store.images().child(c, registry.name(), read, job.digest().toString());
          }
          store.images().transition(c, registry.name(), job.digest().toString(), d.state(), "scanner", d.summary());
          return null;
        });
      } catch (Lost e) {
        throw new LeaseLost("scan " + ref + ": another worker took the job over (lease expired); its result stands");
      }
      prefetch(registry, ref, job.digest(), lease.scanner(registry.name()).options().read());
      return Optional.of(new Outcome(d.state(), d.score(), d.summary()));
    }
  }

  /** Where a re-scan starts from: the image's state, what its stored result was made with and decided, and the job's database. */
  private record Before(ImageState state, Optional<DatabaseVersion> database, String decision, Optional<DatabaseVersion> target) {}

  /**
   * Scans a decided image again with the current vulnerability database: its layers come from the
   * layer cache, its state, score and stored result are replaced, and the state change (if any) is
   * recorded with the actor {@code rescan} and the database change as the reason. The image stays
   * in its state while it is re-scanned. A released image, or one already assessed with this or a
   * newer database, is left as it is.
   */
  private Optional<Outcome> rescan(Job job, ServerConfig.Registry registry) throws IOException {
    String digest = job.digest().toString();
    Optional<Before> found = store.transaction(c -> {
      Optional<ImageStates.Image> image = store.images().get(c, registry.name(), digest);
      if (image.isEmpty()) {
        return Optional.<Before>empty();
      }
      String decision = store.images().stored(c, registry.name(), digest)
          .map(st -> decisionOf(st.decisions(), registry.stage())).orElse("");
      return Optional.of(new Before(image.get().state(), store.images().storedDatabase(c, registry.name(), digest), decision,
          store.jobs().target(c, job)));
    });
    if (found.isEmpty() || !rescannable(found.get().state())) {
      return skip(job, "re-scan of " + registry.name() + "/" + job.repository() + "@" + digest + " skipped: the image is "
          + found.map(b -> b.state().label() + (b.state() == ImageState.RELEASED ? " (a person's decision stands)" : "")).orElse("unknown"));
    }
    Before before = found.get();
    if (before.target().isPresent() && before.target().get().newerThan(setup.scanners().version())) {
      // the file may have been replaced since the last check
      setup.scanners().refresh();
      if (before.target().get().newerThan(setup.scanners().version())) {
        throw new IOException("re-scan " + registry.name() + "/" + job.repository() + "@" + digest + " with the vulnerability database built "
            + before.target().get() + ": this server's database is older (built " + setup.scanners().version()
            + "); update it on every server that shares the queue (portcullis db update, db import or db pull)");
      }
    }
    ImageRef ref = ref(registry, job);
    try (Scanners.Lease lease = setup.scanners().acquire()) {
      DatabaseVersion now = lease.version();
      if (before.database().isPresent() && !now.newerThan(before.database().get())) {
        return skip(job, "re-scan of " + ref + " skipped: its stored result was made with the vulnerability database built "
            + before.database().get() + ", this server's is built " + now);
      }
      Decided d = decide(ref, lease.scanner(registry.name()), registry);
      String reason = "vulnerability database built " + before.database().map(DatabaseVersion::toString).orElse("(unknown)") + " → " + now
          + ": " + d.summary();
      // a verdict is re-signed only when the decision changed: an unchanged one stays attested by the verdict already attached
      boolean decisionChanged = !before.decision().equals(d.mine().decision().label());
      if (decisionChanged && d.state() != ImageState.QUARANTINED && setup.signer().isPresent()) {
        resign(ref, d.assessment(), d.decisions().get(registry.stage()), setup.signer().get(), lease.scanner(registry.name()).options().read());
      }
      ImageStates.Stored result = stored(d);
      String written;
      try {
        written = store.transaction(c -> {
          if (!store.jobs().complete(c, job)) {
            throw new Lost();
          }
          // a person may have released the image, or a re-scan with a newer database finished, while this one ran
          ImageState state = store.images().get(c, registry.name(), digest).map(ImageStates.Image::state).orElse(ImageState.RELEASED);
          if (!rescannable(state)) {
            return "the image became " + state.label() + " meanwhile";
          }
          Optional<DatabaseVersion> latest = store.images().storedDatabase(c, registry.name(), digest);
          if (latest.isPresent() && latest.get().newerThan(now)) {
            return "a re-scan with the database built " + latest.get() + " finished first";
          }
          store.images().storeResult(c, registry.name(), digest, result, d.score(), d.summary(), now);
          store.images().transition(c, registry.name(), digest, d.state(), "rescan", reason);
          return "";
        });
      } catch (Lost e) {
        throw new LeaseLost("re-scan " + ref + ": another worker took the job over (lease expired); its result stands");
      }
      if (!written.isEmpty()) {
        metrics.rescanned("skipped");
        log.info("re-scan of " + ref + " not stored: " + written);
        return Optional.empty();
      }
      metrics.rescanned(d.state() == before.state() ? "unchanged" : "changed");
      if (decisionChanged && d.state() != ImageState.QUARANTINED && setup.signer().isPresent()) {
        log.info("re-signed " + ref + " after its decision at " + registry.stage() + " changed from " + before.decision() + " to "
            + d.mine().decision().label());
      }
      return Optional.of(new Outcome(d.state(), d.score(), (d.state() == before.state() ? "still " : before.state().label() + " → ")
          + d.state().label() + ", " + reason));
    }
  }

  /** Reads the image's signatures and attestations again after one was pushed beside it. */
  private Optional<Outcome> evidence(Job job, ServerConfig.Registry registry) throws IOException {
    ImageRef ref = ref(registry, job);
    try (Scanners.Lease lease = setup.scanners().acquire()) {
      ImageFacts facts = Prefetch.read(setup, store, lease.scanner(registry.name()).options().read(), ref, job.digest());
      try {
        store.transaction(c -> {
          if (!store.jobs().complete(c, job)) {
            throw new Lost();
          }
          Prefetch.store(store, c, registry.name(), facts);
          return null;
        });
      } catch (Lost e) {
        throw new LeaseLost("read the signatures of " + ref + ": another worker took the job over (lease expired)");
      }
      log.info("admission facts of " + ref + " read again: " + Prefetch.describe(facts));
    }
    return Optional.empty();
  }

  /** Stores what admission needs to know of a scanned image; a failure is logged, and admission then treats the image as unknown. */
  private void prefetch(ServerConfig.Registry registry, ImageRef ref, dev.portcullis.core.Digest digest, ReadOptions read) {
    try {
      ImageFacts facts = Prefetch.read(setup, store, read, ref, digest);
      store.transaction(c -> {
        Prefetch.store(store, c, registry.name(), facts);
        return null;
      });
    } catch (IOException e) {
      log.warn("read the signatures and attestations of " + ref + " for admission: " + e.getMessage()
          + " (admission treats it as unknown until an attachment is pushed or it is scanned again)");
    }
  }

  /** The states a re-scan replaces: a scan's decisions, not a person's release nor an image still being scanned. */
  private static boolean rescannable(ImageState state) {
    return state == ImageState.PASSED || state == ImageState.WARNED || state == ImageState.QUARANTINED;
  }

  private Optional<Outcome> skip(Job job, String why) throws IOException {
    try {
      store.transaction(c -> {
        if (!store.jobs().complete(c, job)) {
          throw new Lost();
        }
        return null;
      });
    } catch (Lost e) {
      throw new LeaseLost("re-scan " + job.digest() + ": another worker took the job over (lease expired)");
    }
    metrics.rescanned("skipped");
    log.info(why);
    return Optional.empty();
  }

  /** The decision ({@code allow}, {@code warn}, {@code deny}) of {@code stage} in stored decision documents; empty when unreadable. */
  static String decisionOf(String decisions, String stage) {
    try {
      return JSON.readTree(decisions).path(stage).path("decision").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static ImageRef ref(ServerConfig.Registry registry, Job job) {
    return ImageRef.parse(registry.authority() + "/" + job.repository() + "@" + job.digest());
  }

  private ImageStates.Stored stored(Decided d) throws IOException {
    // the scan's JSON document, and the image's layers for the dashboard (the document names only the layers findings are in)
    com.fasterxml.jackson.databind.node.ObjectNode assessment = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
        AssessmentWriter.json(d.assessment()));
    com.fasterxml.jackson.databind.node.ArrayNode layers = assessment.putArray("subjectLayers");
    for (Assessment.LayerFacts l : d.assessment().subject().layers()) {
      layers.addObject().put("index", l.index()).put("digest", l.digest().toString()).put("diffId", l.diffId().toString()).put("size", l.size())
          .put("createdBy", l.createdBy().orElse(""));
    }
    return new ImageStates.Stored(assessment.toString(), RiskReportJson.write(d.risk()), d.decisions().toString(), store.clock().millis());
  }

  /** Reads the image through {@code scanner}, adds the provenance the policy may ask for, and decides every stage. */
  private Decided decide(ImageRef ref, Scanner scanner, ServerConfig.Registry registry) throws IOException {
    Instant now = Instant.now(store.clock());
    Assessment assessment = scanner.scan(new ImageSource.Remote(ref), setup.config().scanTimeout());
    RiskReport risk = assessment.risk();
    ReadOptions read = scanner.options().read();
    // one policy and one set of exceptions for every stage of this decision, read now: a policy activated meanwhile applies
    Policy policy = setup.governance().policy();
    List<PublicKey> keys = setup.provenanceKeys(policy, policy.stageNames());
    if (!keys.isEmpty()) {
      try (RegistryClient client = RegistryClient.create(read.registry(), read.listener())) {
        risk = risk.withProvenance(Provenances.of(client, ref, keys, read.listener()));
      }
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    ExceptionFile.Loaded exceptions = setup.governance().exceptions(today);
    Map<String, Gate.Result> results = new LinkedHashMap<>();
    ObjectNode decisions = JSON.createObjectNode();
    for (String stage : policy.stageNames().stream().sorted().toList()) {
      Gate.Result r = Gate.evaluate(policy, stage, risk, exceptions, today);
      results.put(stage, r);
      decisions.set(stage, DecisionWriter.document(r, now, setup.toolVersion()));
    }
    Gate.Result mine = results.get(registry.stage());
    if (mine == null) {
      throw new IOException("scan " + ref + ": the policy " + policy.name() + " has no stage " + registry.stage());
    }
    ImageState state = switch (mine.decision()) {
      case Decision.Allow a -> ImageState.PASSED;
      case Decision.Warn w -> ImageState.WARNED;
      case Decision.Deny d -> ImageState.QUARANTINED;
    };
    int score = mine.after().score().value();
    return new Decided(assessment, risk, decisions, mine, state, score, summary(mine, score));
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
    store.transaction(c -> {
      store.journal().append(c, "scanner",
          "signature.attest", ref.toString(), "success", "verdict" + (assessment.catalog().isPresent() ? " and SBOM" : "")
              + " attestations signed with key " + signer.keyId());
      return null;
    });
    log.info("attested verdict and SBOM of " + ref + " with key " + signer.keyId());
  }
}
