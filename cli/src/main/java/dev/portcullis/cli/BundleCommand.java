package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.bundle.BundleVerification;
import dev.portcullis.sign.bundle.Expected;
import dev.portcullis.sign.bundle.SigstoreBundle;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.dsse.Statement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis bundle export|verify}: signatures and attestations as Sigstore bundles, checked without a registry. */
@Command(name = "bundle", mixinStandardHelpOptions = true, description = "Export a signature or attestation as a Sigstore bundle (v0.3 JSON), "
    + "and verify one later without a registry.", subcommands = {BundleCommand.Export.class, BundleCommand.Verify.class})
final class BundleCommand {
  private BundleCommand() {}

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the image's signature (--type sig) or attestation of a type (verdict, sbom, vuln, a URI) verified by --key as a "
          + "Sigstore bundle. A signature's bundle holds only the payload's digest: the payload is written beside it (--payload-output).",
      footer = {"", "Exit codes: 0 written, 1 nothing verified by the key (the reason on stderr), 2 errors."})
  static final class Export extends SigningBase {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The public key whose signature to export.")
    Path key;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "sig, verdict, sbom, vuln or a predicate type URI.")
    String type;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where the bundle goes.")
    Path output;

    @Option(names = "--payload-output", paramLabel = "FILE", description = "sig: where the signed payload goes (default: OUTPUT.payload.json).")
    @Nullable Path payloadOutput;

    @Override
    int sign() throws IOException {
      PublicKey publicKey = PublicKeys.read(key);
      boolean signature = type.equals("sig");
      String predicateType = signature ? "" : PredicateTypes.resolve(type)
          .orElseThrow(() -> new IllegalArgumentException("--type " + type + ": not sig, verdict, sbom, vuln or a predicate type URI"));
      try (RegistryClient client = client()) {
        CosignStore store = new CosignStore(client);
        Verification v = verifier(client).verify(ref(), signature ? new Requirement.Signed(List.of(publicKey))
            : new Requirement.Attested(List.of(publicKey), predicateType, java.util.Optional.empty()));
        if (!(v instanceof Verification.Verified ok)) {
          Verification.Rejected no = (Verification.Rejected) v;
          Main.printFailure(stderr, no.image() + ": nothing to export (" + no.reason().name().toLowerCase(Locale.ROOT).replace('_', '-') + "): "
              + no.message());
          return Main.FAILED;
        }
        Evidence e = ok.evidence().get(0);
        Digest digest = Objects.requireNonNull(ok.image().digest());
        Attachment kind = signature ? Attachment.SIGNATURES : Attachment.ATTESTATIONS;
        byte[] payload = switch (store.payload(kind.in(ok.image(), digest), e.layer())) {
          case CosignStore.Payload.Intact i -> i.bytes();
          case CosignStore.Payload.Changed c -> throw new IOException("export " + e.layer().digest() + ": " + c.message());
          case CosignStore.Payload.TooLarge t -> throw new IOException("export " + e.layer().digest() + ": " + t.message());
        };
        SigstoreBundle bundle;
        if (signature) {
          byte[] sig = Base64.getDecoder().decode(e.layer().annotations().get(SignatureManifest.SIGNATURE_ANNOTATION));
          bundle = SigstoreBundle.ofMessageSignature(publicKey, Digest.sha256(payload), sig);
          Path p = payloadOutput != null ? payloadOutput : Path.of(output + ".payload.json");
          AtomicWrite.write(p, payload);
          stdout.println("payload " + p);
        } else {
          bundle = SigstoreBundle.ofEnvelope(publicKey, DsseEnvelope.parse(payload));
        }
        AtomicWrite.write(output, bundle.toJson());
        stdout.println("bundle  " + output + " (" + (signature ? "signature" : predicateType) + " of " + ok.image() + ")");
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify a Sigstore bundle offline with a public key: a signature over --artifact (for an image signature, the payload "
          + "written by export), or an attestation about --image-digest.",
      footer = {"", "Exit codes: 0 verified, 1 not (the reason on stderr), 2 errors."})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle file.")
    Path bundleFile;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The signer's public key.")
    Path key;

    @Option(names = "--artifact", paramLabel = "FILE", description = "What a message-signature bundle signs (an image signature's payload).")
    @Nullable Path artifact;

    @Option(names = "--image-digest", paramLabel = "DIGEST", description = "The image the signature or attestation must be about.")
    @Nullable String imageDigest;

    @Override
    public Integer call() {
      Main main = Main.of(spec);
      try {
        return verify(main);
      } catch (IOException | IllegalArgumentException e) {
        Main.printFailure(main.err, String.valueOf(e.getMessage()));
        return SigningBase.ERROR;
      }
    }

    private int verify(Main main) throws IOException {
      PublicKey publicKey = PublicKeys.read(key);
      Digest image = imageDigest == null ? null : Digest.parse(imageDigest);
      byte[] json = read(bundleFile, "bundle");
      SigstoreBundle bundle;
      try {
        bundle = SigstoreBundle.parse(json);
      } catch (FormatException e) {
        Main.printFailure(main.err, bundleFile + ": not verified (malformed): " + e.getMessage());
        return Main.FAILED;
      }
      byte[] artifactBytes = null;
      Expected expected = switch (bundle.content()) {
        case SigstoreBundle.MessageSignature m -> {
          if (artifact == null) {
            throw new IllegalArgumentException("this bundle is a signature over an artifact: give --artifact FILE (for an image, the payload export wrote)");
          }
          artifactBytes = read(artifact, "artifact");
          yield new Expected.Artifact(artifactBytes);
        }
        case SigstoreBundle.Envelope env -> image == null ? new Expected.Envelope(DsseEnvelope.IN_TOTO) : new Expected.StatementAbout(image);
      };
      switch (SigstoreBundle.verify(json, publicKey, expected)) {
        case BundleVerification.Rejected r -> {
          Main.printFailure(main.err, bundleFile + ": not verified (" + r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-') + "): " + r.detail());
          return Main.FAILED;
        }
        case BundleVerification.Verified ok -> {
          String about;
          if (artifactBytes != null) {
            about = "artifact " + artifact;
            try {
              SimpleSigningPayload p = SimpleSigningPayload.parse(artifactBytes);
              if (image != null && !p.manifestDigest().equals(image)) {
                Main.printFailure(main.err, bundleFile + ": not verified (digest-mismatch): the payload names " + p.manifestDigest() + ", not " + image);
                return Main.FAILED;
              }
              about = p.dockerReference() + "@" + p.manifestDigest();
            } catch (FormatException e) {
              if (image != null) {
                Main.printFailure(main.err, bundleFile + ": not verified (malformed): --image-digest given, but " + e.getMessage());
                return Main.FAILED;
              }
            }
          } else {
            Statement st = Statement.parse(((SigstoreBundle.Envelope) ok.bundle().content()).envelope().payload());
            about = st.predicateType() + " about " + String.join(", ", st.subjects().stream().map(s -> s.name() + "@" + s.digest()).toList());
          }
          main.out.println(TerminalText.escape("verified " + bundleFile + ": signed by " + ok.keyId() + "; " + about));
          return 0;
        }
      }
    }

    private static byte[] read(Path file, String what) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IOException("read " + what + " " + file + ": no such file");
      }
      if (Files.size(file) > SignedJson.MAX_BYTES) {
        throw new IOException("read " + what + " " + file + ": larger than " + (SignedJson.MAX_BYTES >> 20) + " MiB");
      }
      return Files.readAllBytes(file);
    }
  }
}
