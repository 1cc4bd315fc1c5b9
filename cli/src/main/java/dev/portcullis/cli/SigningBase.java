package dev.portcullis.cli;

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
}
