package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the signing commands share: an image in a registry, the client that reaches it, cosign's
 * storage beside it, and keys. Errors exit 2, as with the gate; a verification that says no exits 1.
 */
abstract class SigningBase extends ImageCommand.Base {
  static final int ERROR = 2;

  @Override
  final int run() {
    try {
      return sign();
    } catch (IOException | IllegalArgumentException | Main.CommandFailure e) {
      return failed(e, ERROR);
    }
  }

  abstract int sign() throws IOException;

  /** The image as a registry reference: signatures live beside an image in its registry. */
  ImageRef ref() {
    return switch (ImageSource.parse(source)) {
      case ImageSource.Remote r -> r.ref();
      case ImageSource.OciLayout l -> throw notInRegistry();
      case ImageSource.OciArchive a -> throw notInRegistry();
      case ImageSource.DockerArchive d -> throw notInRegistry();
      case ImageSource.ContainersStorage s -> throw notInRegistry();
      case ImageSource.DockerEngine d -> throw notInRegistry();
      case ImageSource.Directory d -> throw notInRegistry();
    };
  }

  private IllegalArgumentException notInRegistry() {
    return new IllegalArgumentException(spec.name() + " " + source + ": signatures are stored in a registry beside the image; "
        + "push it first and name it as registry:HOST/REPO:TAG");
  }

  RegistryClient client() throws IOException {
    return RegistryClient.create(common.readOptions(stderr, Main.of(spec).in).registry(), common.listener(stderr));
  }

  static CosignVerifier verifier(RegistryClient client) {
    return new CosignVerifier(new CosignStore(client), Clock.systemUTC());
  }

  /** Public keys from PEM files. */
  static List<PublicKey> publicKeys(List<Path> files) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    for (Path f : files) {
      keys.add(PublicKeys.read(f));
    }
    return keys;
  }

  /** The private key in {@code file}, opened with the passphrase from where {@code passphrase} says. */
  Signer signer(Path file, PassphraseOptions passphrase) throws IOException {
    if (passphrase.stdin && common.registry.passwordStdin) {
      throw new IllegalArgumentException("--passphrase-stdin and --password-stdin both want standard input: set " + PassphraseOptions.ENV + " instead");
    }
    Main main = Main.of(spec);
    try (Passphrase p = passphrase.read(main.env, main.in, "the private key " + file, false)) {
      return LocalSigner.read(file, p);
    }
  }

  /** The keys to verify with: {@code --key} files, or those a trust policy names. */
  static List<PublicKey> trustedKeys(List<Path> keyFiles, Optional<TrustPolicy> trust) throws IOException {
    if (keyFiles.isEmpty() && trust.isEmpty()) {
      throw new IllegalArgumentException("give --key PUBLIC.pem or --trust POLICY.yaml: without a trusted key nothing can be verified");
    }
    if (!keyFiles.isEmpty() && trust.isPresent()) {
      throw new IllegalArgumentException("give --key or --trust, not both");
    }
    return trust.isPresent() ? trust.get().keys() : publicKeys(keyFiles);
  }

  /** What sign and attest say: the image signed, by which key, where it is stored, whether it was new. */
  static void printAppended(SigningBase command, String verb, CosignStore.Appended done, String keyId) throws IOException {
    if (command.common.format == CommonOptions.Format.JSON) {
      ObjectNode o = JsonOutput.MAPPER.createObjectNode();
      o.put("image", done.image().toString());
      o.put("keyId", keyId);
      o.put("stored", done.tag().toString());
      o.put("manifest", done.manifest().toString());
      o.put("layer", done.layer().digest().toString());
      o.put("added", done.added());
      command.json(o);
      return;
    }
    command.stdout.println(verb + " " + done.image() + " with " + keyId);
    command.stdout.println("stored in " + done.tag() + (done.added() ? "" : " (already there: nothing added)"));
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
