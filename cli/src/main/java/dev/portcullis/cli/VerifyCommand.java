package dev.portcullis.cli;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

}
