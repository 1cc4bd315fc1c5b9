package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis verify SOURCE --key FILE | --trust FILE}: is the image signed by whom it must be. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify an image's cosign signatures: by any of the --key public keys, or as a trust policy requires for a stage "
        + "(--trust FILE --stage STAGE: any of, or all of, its signers). A tag is resolved to its digest first.",
    footer = {"", "Exit codes: 0 verified, 1 not (the reason on stderr), 2 errors."})
final class VerifyCommand extends SigningBase {
  @Option(names = "--key", paramLabel = "FILE", description = "A trusted public key (repeatable: any of them will do).")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--trust", paramLabel = "FILE", description = "A trust policy (docs/signing.md) naming the signers required per stage.")
  @Nullable Path trust;

  @Option(names = "--stage", paramLabel = "STAGE", description = "The trust policy's stage (default: its default requirement).")
  @Nullable String stage;

  @Override
  int sign() throws IOException {
    ImageRef image = ref();
    Optional<TrustPolicy> policy = trust == null ? Optional.empty() : Optional.of(TrustPolicy.load(trust));
    Optional<TrustPolicy.Requirement> required = requirement(policy, stage);
    List<PublicKey> trusted = trustedKeys(keys, policy);
    try (RegistryClient client = client()) {
      Verification v = verifier(client).verify(image, new Requirement.Signed(trusted));
      return report(this, "signature", v, required);
    }
  }

  /** The trust policy's requirement for {@code stage}; an error when the policy has none. */
  static Optional<TrustPolicy.Requirement> requirement(Optional<TrustPolicy> policy, @Nullable String stage) {
    if (policy.isEmpty()) {
      if (stage != null) {
        throw new IllegalArgumentException("--stage needs --trust (a trust policy names signers per stage)");
      }
      return Optional.empty();
    }
    Optional<TrustPolicy.Requirement> r = policy.get().requirement(stage == null ? "" : stage);
    if (r.isEmpty()) {
      throw new IllegalArgumentException("trust policy " + policy.get().name() + " requires nothing for " + (stage == null ? "images without --stage"
          : "stage " + stage) + " (stages: " + String.join(", ", policy.get().stages().keySet()) + ")");
    }
    return r;
  }

  /** Prints a verification, with the trust policy's verdict on who signed when there is one; the exit code. */
  static int report(SigningBase command, String what, Verification v, Optional<TrustPolicy.Requirement> required) throws IOException {
    Optional<TrustPolicy.Outcome> trust = switch (v) {
      case Verification.Verified ok -> required.map(r -> r.evaluate(Set.copyOf(ok.keyIds())));
      case Verification.Rejected no -> Optional.empty();
    };
    boolean verified = v instanceof Verification.Verified && !(trust.orElse(null) instanceof TrustPolicy.Unsatisfied);
    if (command.common.format == CommonOptions.Format.JSON) {
      ObjectNode o = JsonOutput.MAPPER.createObjectNode();
      o.put("image", v.image().toString());
      o.put("verified", verified);
      switch (v) {
        case Verification.Verified ok -> {
          ok.keyIds().forEach(o.putArray("keyIds")::add);
          ArrayNode ev = o.putArray("evidence");
          ok.evidence().forEach(e -> evidence(ev.addObject(), e));
        }
        case Verification.Rejected no -> o.put("reason", no.reason().name().toLowerCase(Locale.ROOT).replace('_', '-')).put("message", no.message());
      }
      trust.ifPresent(t -> {
        if (t instanceof TrustPolicy.Unsatisfied u) {
          o.put("reason", "trust-policy").put("message", u.message());
        }
      });
      command.json(o);
    } else {
      switch (v) {
        case Verification.Verified ok -> {
          if (verified) {
            command.stdout.println("verified " + ok.image());
            ok.evidence().forEach(e -> command.stdout.println("  " + what + " " + e.layer().digest() + " by " + String.join(", ", e.keyIds())
                + (e instanceof Evidence.Attestation a ? a.time().map(t -> ", made " + t).orElse("") : "")));
          }
        }
        case Verification.Rejected no -> { }
      }
    }
    if (v instanceof Verification.Rejected no) {
      Main.printFailure(command.stderr, no.image() + ": not verified (" + no.reason().name().toLowerCase(Locale.ROOT).replace('_', '-')
          + "): " + no.message());
    } else if (trust.orElse(null) instanceof TrustPolicy.Unsatisfied u) {
      Main.printFailure(command.stderr, v.image() + ": not verified (trust policy): " + u.message());
    }
    return verified ? 0 : Main.FAILED;
  }

  static void evidence(ObjectNode o, Evidence e) {
    o.put("layer", e.layer().digest().toString());
    e.keyIds().forEach(o.putArray("keyIds")::add);
    switch (e) {
      case Evidence.Signature s -> o.put("kind", "signature").put("digest", s.payload().manifestDigest().toString());
      case Evidence.Attestation a -> {
        o.put("kind", "attestation").put("predicateType", a.statement().predicateType());
        a.time().ifPresent(t -> o.put("time", t.toString()));
        o.set("predicate", a.statement().predicate());
      }
    }
  }
}
