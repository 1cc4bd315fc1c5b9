package dev.portcullis.sign;

import java.util.Map;
import java.util.Optional;

/** The in-toto predicate types Portcullis writes and requires, and the short names users give them. */
public final class PredicateTypes {
  /** The gate's decision document: score, factors, decision, stage, policy digest, database time. */
  public static final String VERDICT = "https://portcullis.dev/attestation/verdict/v1";
  /** A CycloneDX SBOM, as cosign's {@code --type cyclonedx} names it. */
  public static final String CYCLONEDX = "https://cyclonedx.org/bom";
  /** cosign's vulnerability scan predicate. */
  public static final String COSIGN_VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";

  private static final Map<String, String> ALIASES = Map.of("verdict", VERDICT, "sbom", CYCLONEDX, "cyclonedx", CYCLONEDX, "vuln", COSIGN_VULN);

  private PredicateTypes() {}

  /** {@code verdict}, {@code sbom} ({@code cyclonedx}) or {@code vuln} as their URIs; any URI as itself. */
  public static Optional<String> resolve(String nameOrUri) {
    String uri = ALIASES.get(nameOrUri);
    if (uri != null) {
      return Optional.of(uri);
    }
    return nameOrUri.matches("[a-z][a-z0-9+.-]*://\\S+") ? Optional.of(nameOrUri) : Optional.empty();
  }
}
