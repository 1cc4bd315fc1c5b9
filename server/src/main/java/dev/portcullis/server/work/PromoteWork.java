package dev.portcullis.server.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.scan.Provenances;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.promotion.Promoter;
import dev.portcullis.server.promotion.PromotionOutcome;
import dev.portcullis.server.promotion.PromotionRequest;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Job;
import dev.portcullis.server.store.Promotions;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * One promotion job: the stage's gate on the source image's stored assessment (or a fresh scan
 * when the server has none), with its signatures and attestations looked up now, then the copy,
 * verification and promotion attestation of {@link Promoter}; the outcome is stored with the job's
 * completion.
 */
public final class PromoteWork {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_MANIFEST_BYTES = 4L << 20;

  private final Setup setup;
  private final Store store;
  private final ServerLog log;

  public PromoteWork(Setup setup, Store store, ServerLog log) {
    this.setup = setup;
    this.store = store;
    this.log = log;
  }

  public void run(Job job) throws IOException {
    Promotions.Promotion p = store.promotions().get(job.subject())
        .orElseThrow(() -> new IOException("promotion " + job.subject() + " is not recorded"));
    ServerConfig.Registry from = registry(p.sourceRegistry());
    ServerConfig.Registry to = registry(p.destinationRegistry());
    try (Scanners.Lease lease = setup.scanners().acquire()) {
      run(job, p, from, to, lease.scanner(from.name()), lease.scanner(to.name()).options().read());
    }
  }

  private void run(Job job, Promotions.Promotion p, ServerConfig.Registry from, ServerConfig.Registry to, Scanner scanner, ReadOptions toRead)
      throws IOException {
    ReadOptions read = scanner.options().read();
    String separator = p.sourceReference().startsWith("sha256:") ? "@" : ":";
    ImageRef source = ImageRef.parse(from.authority() + "/" + p.sourceRepository() + separator + p.sourceReference());
    ImageRef destination = ImageRef.parse(to.authority() + "/" + p.destinationRepository() + ":" + p.destinationTag());
    PromotionOutcome outcome;
    Digest digest;
    try (RegistryClient sourceClient = RegistryClient.create(read.registry(), read.listener());
        RegistryClient destinationClient = RegistryClient.create(toRead.registry(), toRead.listener())) {
      digest = sourceClient.findManifest(source, MAX_MANIFEST_BYTES)
          .orElseThrow(() -> new IOException("promote " + source + ": no such image")).digest();
      ImageRef pinned = source.withDigest(digest);
      RiskReport risk = risk(from, pinned, scanner);
      Policy policy = setup.governance().policy();
      if (policy.stage(p.stage()).isEmpty()) {
        throw new IOException("promote " + source + ": the policy " + policy.name() + " has no stage " + p.stage());
      }
      List<PublicKey> keys = setup.provenanceKeys(policy, List.of(p.stage()));
      if (!keys.isEmpty()) {
        risk = risk.withProvenance(Provenances.of(sourceClient, pinned, keys, read.listener()));
      }
      LocalDate today = LocalDate.ofInstant(Instant.now(store.clock()), ZoneOffset.UTC);
      Gate.Result decision = Gate.evaluate(policy, p.stage(), risk, setup.governance().exceptions(today), today);
      outcome = new Promoter(store.clock()).promote(new PromotionRequest(pinned, destination, sourceClient, destinationClient, decision,
          setup.signer().orElseThrow(() -> new IOException("promote " + source + ": the server has no signing key")), setup.trusted(),
          p.requester(), Optional.ofNullable(p.approver()), p.allowRetag()));
    }
    Promotions.State state = outcome instanceof PromotionOutcome.Promoted ? Promotions.State.PROMOTED : Promotions.State.REFUSED;
    String result = describe(outcome);
    store.transaction(c -> {
      if (!store.jobs().complete(c, job)) {
        throw new IllegalStateException("lease lost");
      }
      store.promotions().finish(c, p.id(), state, digest.toString(), result);
      store.journal().append(c, "promoter",
          "promotion." + state.label(), destination + "@" + digest, state == Promotions.State.PROMOTED ? "success" : "refused",
          "promotion " + p.id() + " for " + p.stage() + ": " + (result.length() > 400 ? result.substring(0, 400) + "..." : result));
      return null;
    });
    log.info("promotion " + p.id() + " of " + source + " to " + destination + " for " + p.stage() + ": " + state.label());
  }

  private ServerConfig.Registry registry(String name) throws IOException {
    return setup.config().registry(name).orElseThrow(() -> new IOException("registry " + name + " is not configured"));
  }

  /** The stored risk report of the image in {@code registry}, or a fresh scan's when the server has none. */
  private RiskReport risk(ServerConfig.Registry registry, ImageRef pinned, Scanner scanner) throws IOException {
    Optional<ImageStates.Stored> stored = store.images().stored(registry.name(), pinned.digestIfAny().orElseThrow().toString());
    if (stored.isPresent()) {
      return RiskReportJson.read("stored risk report of " + pinned, stored.get().risk());
    }
    return scanner.scan(new ImageSource.Remote(pinned), setup.config().scanTimeout()).risk();
  }

  private static String describe(PromotionOutcome outcome) {
    ObjectNode o = JSON.createObjectNode();
    switch (outcome) {
      case PromotionOutcome.Promoted p -> {
        o.put("outcome", "promoted").put("destination", p.destination().toString()).put("decision", p.decision());
        ArrayNode warnings = o.putArray("warnings");
        p.warnings().forEach(w -> warnings.add(w.rule() + ": " + w.message()));
      }
      case PromotionOutcome.Refused r -> {
        o.put("outcome", "refused");
        ArrayNode reasons = o.putArray("reasons");
        r.reasons().forEach(reasons::add);
      }
    }
    return o.toString();
  }
}
