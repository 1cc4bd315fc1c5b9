package dev.portcullis.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.sign.dsse.SignedJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PredicateTypesTest {
  private static JsonNode json(String text) throws Exception {
    return SignedJson.MAPPER.readTree(text);
  }

  @Test
  void eachTypeGivesItsTimeFromItsOwnPlace() throws Exception {
    assertThat(PredicateTypes.time(PredicateTypes.VERDICT, json("{\"time\":\"2026-06-01T10:00:00Z\",\"metadata\":{\"timestamp\":\"2020-01-01T00:00:00Z\"}}")))
        .hasValue(Instant.parse("2026-06-01T10:00:00Z"));
    // CycloneDX's own field: metadata.timestamp
    assertThat(PredicateTypes.time(PredicateTypes.CYCLONEDX, json("{\"bomFormat\":\"CycloneDX\",\"metadata\":{\"timestamp\":\"2026-05-30T08:30:00+02:00\"}}")))
        .hasValue(Instant.parse("2026-05-30T06:30:00Z"));
    // cosign's vuln predicate: metadata.scanFinishedOn
    assertThat(PredicateTypes.time(PredicateTypes.COSIGN_VULN,
        json("{\"scanner\":{\"uri\":\"pkg:github/aquasecurity/trivy@0.50.0\"},\"metadata\":{\"scanStartedOn\":\"2026-05-01T00:00:00Z\","
            + "\"scanFinishedOn\":\"2026-05-01T00:05:00Z\"}}")))
        .hasValue(Instant.parse("2026-05-01T00:05:00Z"));
    assertThat(PredicateTypes.time("https://example.com/custom/v1", json("{\"time\":\"2026-01-01T00:00:00.5Z\"}")))
        .hasValue(Instant.parse("2026-01-01T00:00:00.500Z"));
  }

  @Test
  void shortNamesResolveToTheirUris() throws Exception {
    assertThat(PredicateTypes.resolve("test-result")).hasValue("https://in-toto.io/attestation/test-result/v0.1");
    assertThat(PredicateTypes.resolve("sbom")).hasValue(PredicateTypes.CYCLONEDX);
    assertThat(PredicateTypes.resolve("test-results")).isEmpty();
    // a test result says when it was attested in Portcullis's extension field, not in "time"
    assertThat(PredicateTypes.time(PredicateTypes.TEST_RESULT, json("{\"time\":\"2020-01-01T00:00:00Z\",\"portcullisAttestedAt\":\"2026-06-01T10:00:00Z\"}")))
        .hasValue(Instant.parse("2026-06-01T10:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}",
      "{\"time\":1780000000}",
      "{\"time\":\"2026-06-01\"}",
      "{\"time\":\"2026-06-01T10:00:00\"}",
      "{\"time\":\"yesterday\"}",
      "{\"time\":{\"at\":\"2026-06-01T10:00:00Z\"}}"})
  void noTimeUnlessAnRfc3339DateTimeWithAnOffset(String predicate) throws Exception {
    assertThat(PredicateTypes.time(PredicateTypes.VERDICT, json(predicate))).isEmpty();
  }
}
