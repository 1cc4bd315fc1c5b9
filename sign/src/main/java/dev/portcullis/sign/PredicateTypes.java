package dev.portcullis.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.sign.testresult.TestRun;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The in-toto predicate types Portcullis writes and requires, the short names users give them, and
 * where each predicate says when it was made (what an attestation's age is measured from).
 */
public final class PredicateTypes {
  /** The gate's decision document: score, factors, decision, stage, policy digest, database time; its {@code time} says when. */
  public static final String VERDICT = "https://portcullis.dev/attestation/verdict/v1";
  /** A CycloneDX SBOM, as cosign's {@code --type cyclonedx} names it; its {@code metadata.timestamp} says when. */
  public static final String CYCLONEDX = "https://cyclonedx.org/bom";
  /** cosign's vulnerability scan predicate; its {@code metadata.scanFinishedOn} says when. */
  public static final String COSIGN_VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";
  /**
   * in-toto's test result predicate ({@link dev.portcullis.sign.testresult.TestRun#predicate}); the spec
   * gives it no time, so Portcullis's extension field {@value dev.portcullis.sign.testresult.TestRun#TIME_FIELD} says when.
   */
  public static final String TEST_RESULT = "https://in-toto.io/attestation/test-result/v0.1";

  private static final Map<String, String> ALIASES = Map.of("verdict", VERDICT, "sbom", CYCLONEDX, "cyclonedx", CYCLONEDX, "vuln", COSIGN_VULN,
      "test-result", TEST_RESULT);
  private static final Map<String, String> TIME_POINTERS = Map.of(
      VERDICT, "/time",
      CYCLONEDX, "/metadata/timestamp",
      COSIGN_VULN, "/metadata/scanFinishedOn",
      TEST_RESULT, "/" + TestRun.TIME_FIELD);
  /** Where other predicates are looked at for their time. */
  private static final String DEFAULT_TIME_POINTER = "/time";

  private PredicateTypes() {}

  /** {@code verdict}, {@code sbom} ({@code cyclonedx}), {@code vuln} or {@code test-result} as their URIs; any URI as itself. */
  public static Optional<String> resolve(String nameOrUri) {
    String uri = ALIASES.get(nameOrUri);
    if (uri != null) {
      return Optional.of(uri);
    }
    return nameOrUri.matches("[a-z][a-z0-9+.-]*://\\S+") ? Optional.of(nameOrUri) : Optional.empty();
  }

  /**
   * When the predicate of type {@code predicateType} says it was made: an RFC 3339 date-time with an
   * offset at the place that type keeps it ({@code time} for types not listed here). Empty when there
   * is none or it is not such a date-time.
   */
  public static Optional<Instant> time(String predicateType, JsonNode predicate) {
    JsonNode node = predicate.at(TIME_POINTERS.getOrDefault(predicateType, DEFAULT_TIME_POINTER));
    if (!node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(node.asText())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
