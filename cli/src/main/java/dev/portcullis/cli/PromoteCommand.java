package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Reason;
import dev.portcullis.server.promotion.Promoter;
import dev.portcullis.server.promotion.PromotionOutcome;
import dev.portcullis.server.promotion.PromotionRequest;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis promote SOURCE DEST --stage STAGE --key FILE}: the gate on a fresh scan, then the promotion. */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Promote an image to another repository or registry through a stage's gate: scan SOURCE (pinned to its digest) and decide "
        + "for --stage as 'gate' does; when allowed, copy the manifest (an index with every child), config and blobs (mounted within one "
        + "registry, streamed and digest-verified between two) and every cosign signature and attestation, verify them at the destination, "
        + "add a signed promotion attestation (from, to, stage, decision, score, requester, approver, time) and write the DEST tag last.",
    footer = {"", "DEST is REGISTRY/REPOSITORY:TAG. An existing DEST tag that names another digest is never moved without --allow-retag.",
        "The registry options apply to both registries; per-registry credentials come from the Docker config.",
        "The key's passphrase comes from $" + PassphraseOptions.ENV + " (or $" + PassphraseOptions.COSIGN_ENV
            + "), --passphrase-stdin, or the terminal.",
        "Exit codes: 0 promoted, 1 refused (the reasons on stderr), 2 errors."})
final class PromoteCommand extends SigningBase {
  @Parameters(index = "1", paramLabel = "DEST", description = "The destination tag: REGISTRY/REPOSITORY:TAG.")
  String destination;

  @Option(names = "--stage", required = true, paramLabel = "STAGE",
      description = "The stage whose gate the image must pass (dev, test, prod with the built-in policy).")
  String stage;

  @Option(names = "--policy", paramLabel = "FILE", description = "A policy file (default: the built-in policy).")
  @Nullable Path policy;

  @Option(names = "--exceptions", paramLabel = "FILE", description = "An exceptions file.")
  @Nullable Path exceptions;

  @Option(names = "--db", paramLabel = "FILE", description = "The vulnerability database (default: ~/.cache/portcullis/db).")
  @Nullable Path db;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key that signs the promotion attestation.")
  Path key;

  @Option(names = "--trust", paramLabel = "FILE", description = "A trust policy: its keys check the image's signatures and attestations "
      + "for the gate, and again at the destination after the copy.")
  @Nullable Path trust;

  @Option(names = "--requester", paramLabel = "NAME", description = "Who asks for the promotion (default: $USER).")
  @Nullable String requester;

  @Option(names = "--approver", paramLabel = "NAME", description = "Who approved it; never the requester.")
  @Nullable String approver;

  @Option(names = "--allow-retag", description = "Move an existing DEST tag that names another digest (the attestation records the move).")
  boolean allowRetag;

  @Option(names = "--at", hidden = true, paramLabel = "INSTANT", description = "Decide as of this time (tests).")
  @Nullable Instant at;

  @Mixin PassphraseOptions passphrase = new PassphraseOptions();

  @Mixin CelLimitsOptions cel = new CelLimitsOptions();

  @Mixin IncludeDevOption devDependencies = new IncludeDevOption();

  @Override
  int sign() throws IOException {
    ImageRef source = ref();
    ImageRef dest = destination();
    String who = requester != null ? requester : Main.of(spec).env.getOrDefault("USER", "");
    if (who.isBlank()) {
      throw new IllegalArgumentException("promote: no requester (give --requester NAME; $USER is not set)");
    }
    List<PublicKey> trusted = trust == null ? List.of() : TrustPolicy.load(trust).keys();
    Signer signer = signer(key, passphrase);
    try (RegistryClient client = client()) {
      // the scan, the decision and the copy are all about this one digest, whatever the tag does meanwhile
      ImageRef pinned = source.withDigest(client.manifest(source, Promoter.MAX_MANIFEST_BYTES).digest());
      Instant now = at != null ? at : Instant.now();
      Gate.Result decision = new Verdict("registry:" + new ImageRef(pinned.registry(), pinned.repository(), null, pinned.digest()), stage,
          policy, exceptions, null, null, db, now, cel.limits(), trusted, devDependencies.includeDev)
          .evaluate(common.readOptions(stderr, Main.of(spec).in), common.cache(), stderr);
      PromotionRequest request = new PromotionRequest(pinned, dest, client, client, decision, signer, trusted, who,
          Optional.ofNullable(approver), allowRetag);
      return print(new Promoter(Clock.systemUTC()).promote(request));
    }
  }

  /** DEST as a registry tag: the text must name the tag itself (a bare repository is not taken to mean :latest). */
  private ImageRef destination() {
    String what = "promote to " + destination;
    if (!(ImageSource.parse(destination) instanceof ImageSource.Remote remote)) {
      throw new IllegalArgumentException(what + ": the destination is a registry tag, REGISTRY/REPOSITORY:TAG");
    }
    String text = destination.startsWith("registry:") ? destination.substring("registry:".length()) : destination;
    int slash = text.lastIndexOf('/');
    if (text.contains("@") || text.indexOf(':', slash + 1) < 0) {
      throw new IllegalArgumentException(what + ": the destination must name a tag and no digest (REGISTRY/REPOSITORY:TAG)");
    }
    return remote.ref();
  }

  private int print(PromotionOutcome outcome) throws IOException {
    boolean json = common.format == CommonOptions.Format.JSON;
    return switch (outcome) {
      case PromotionOutcome.Promoted p -> {
        if (json) {
          json(promoted(p));
        } else {
          stdout.println("promoted " + p.source() + " to " + p.destination() + " (" + p.decision() + ")");
          PromotionOutcome.Transfer t = p.transfer();
          stdout.println("copied " + t.manifests() + " manifest" + (t.manifests() == 1 ? "" : "s") + "; blobs: " + t.streamed() + " streamed ("
              + ConsoleProgress.human(t.streamedBytes()) + "), " + t.mounted() + " mounted, " + t.present() + " already there");
          int layers = p.signatures().stream().mapToInt(CosignStore.Copied::layersAdded).sum();
          stdout.println("signatures and attestations: " + layers + " copied, " + p.verified() + " verified at the destination");
          stdout.println("promotion attestation stored in " + p.attestation().tag());
          p.movedFrom().ifPresent(d -> stdout.println("moved the tag " + p.destination().tag() + " from " + d));
        }
        for (Reason r : p.warnings()) {
          common.listener(stderr).warn(r.rule() + ": " + r.message());
        }
        yield 0;
      }
      case PromotionOutcome.Refused r -> {
        if (json) {
          ObjectNode o = JsonOutput.MAPPER.createObjectNode();
          o.put("promoted", false);
          o.put("refusal", refusal(r));
          r.reasons().forEach(o.putArray("reasons")::add);
          json(o);
        }
        Main.printFailure(stderr, "promote refused (" + refusal(r) + "): " + r.reasons().get(0));
        r.reasons().stream().skip(1).forEach(line -> stderr.println("  " + TerminalText.escape(line)));
        yield Main.FAILED;
      }
    };
  }

  private static String refusal(PromotionOutcome.Refused r) {
    return switch (r) {
      case PromotionOutcome.Denied d -> "denied at " + d.stage();
      case PromotionOutcome.TagTaken t -> "tag taken";
      case PromotionOutcome.SelfApproval s -> "self-approval";
      case PromotionOutcome.OtherImage o -> "other image";
      case PromotionOutcome.Unverified u -> "unverified";
    };
  }

  private static ObjectNode promoted(PromotionOutcome.Promoted p) {
    ObjectNode o = JsonOutput.MAPPER.createObjectNode();
    o.put("promoted", true);
    o.put("source", p.source().toString());
    o.put("destination", p.destination().toString());
    o.put("digest", p.digest().toString());
    o.put("decision", p.decision());
    PromotionOutcome.Transfer t = p.transfer();
    o.putObject("transfer").put("manifests", t.manifests()).put("streamed", t.streamed()).put("streamedBytes", t.streamedBytes())
        .put("mounted", t.mounted()).put("present", t.present());
    ArrayNode sigs = o.putArray("signatures");
    p.signatures().forEach(c -> sigs.addObject().put("kind", c.kind().noun()).put("stored", c.tag().toString()).put("layersAdded", c.layersAdded()));
    o.put("verified", p.verified());
    o.put("attestation", p.attestation().tag().toString());
    if (p.movedFrom().isPresent()) {
      o.put("movedFrom", p.movedFrom().get().toString());
    } else {
      o.putNull("movedFrom");
    }
    return o;
  }
}
