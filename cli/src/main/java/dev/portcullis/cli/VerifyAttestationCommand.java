package dev.portcullis.cli;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis verify-attestation SOURCE --type TYPE --key FILE}: is there a signed attestation of this type about the image. */
@Command(name = "verify-attestation", mixinStandardHelpOptions = true,
    description = "Verify an image's attestations of one type: a DSSE envelope signed by a trusted key (--key, or the signers a trust policy "
        + "names for --stage), whose in-toto statement is about this image's digest, and with --max-age not older than that.",
    footer = {"", "With --format json the verified predicates are printed.", "Exit codes: 0 verified, 1 not (the reason on stderr), 2 errors."})
final class VerifyAttestationCommand extends SigningBase {
  private static final Pattern AGE = Pattern.compile("([0-9]{1,6})([dhm])");

  @Option(names = "--type", required = true, paramLabel = "TYPE", description = "verdict, sbom, vuln, test-result or a predicate type URI.")
  String type;

  @Option(names = "--key", paramLabel = "FILE", description = "A trusted public key (repeatable: any of them will do).")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--trust", paramLabel = "FILE", description = "A trust policy naming the signers required per stage.")
  @Nullable Path trust;

  @Option(names = "--stage", paramLabel = "STAGE", description = "The trust policy's stage.")
  @Nullable String stage;

  @Option(names = "--max-age", paramLabel = "AGE", description = "Refuse attestations older than this: 7d, 12h, 30m.")
  @Nullable String maxAge;

  @Override
  int sign() throws IOException {
    String predicateType = PredicateTypes.resolve(type)
        .orElseThrow(() -> new IllegalArgumentException("--type " + type + ": not verdict, sbom, vuln, test-result or a predicate type URI"));
    ImageRef image = ref();
    Optional<TrustPolicy> policy = trust == null ? Optional.empty() : Optional.of(TrustPolicy.load(trust));
    Optional<TrustPolicy.Requirement> required = requirement(policy, stage);
    Requirement.Attested requirement = new Requirement.Attested(trustedKeys(keys, policy), predicateType, age(maxAge));
    try (RegistryClient client = client()) {
      Verification v = verifier(client).verify(image, requirement);
      return report(this, "attestation", v, required);
    }
  }

  static Optional<Duration> age(@Nullable String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = AGE.matcher(text);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("--max-age " + text + ": a positive number of days, hours or minutes, such as 7d, 12h or 30m");
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    });
  }
}
