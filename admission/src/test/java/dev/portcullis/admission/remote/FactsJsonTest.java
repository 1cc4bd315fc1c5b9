package dev.portcullis.admission.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FactsJsonTest {
  static final Digest D = Digest.sha256("x".getBytes());

  static ImageFacts sample() {
    return new ImageFacts(D, Optional.of(Standing.QUARANTINED), "critical CVE-2024-3094 in xz-utils", List.of("SHA256:abc", "key-2"),
        List.of(new VerdictEvidence("prod", "deny", 12, Instant.parse("2026-01-02T03:04:05Z"), "SHA256:abc"),
            new VerdictEvidence("test", "allow", 88, Instant.parse("2026-01-01T00:00:00.123Z"), "key-2")),
        Instant.parse("2026-01-03T00:00:00Z"));
  }

  @Test
  void writesTheDocumentedShape() {
    assertEquals("{\"digest\":\"" + D + "\",\"standing\":\"quarantined\",\"summary\":\"critical CVE-2024-3094 in xz-utils\","
        + "\"signatureKeys\":[\"SHA256:abc\",\"key-2\"],\"verdicts\":[{\"stage\":\"prod\",\"decision\":\"deny\",\"score\":12,"
        + "\"issuedAt\":\"2026-01-02T03:04:05Z\",\"keyId\":\"SHA256:abc\"},{\"stage\":\"test\",\"decision\":\"allow\",\"score\":88,"
        + "\"issuedAt\":\"2026-01-01T00:00:00.123Z\",\"keyId\":\"key-2\"}],\"fetchedAt\":\"2026-01-03T00:00:00Z\"}", FactsJson.write(sample()));
  }

  static Stream<ImageFacts> randomFacts() {
    Random random = new Random(15);
    return Stream.generate(() -> {
      byte[] b = new byte[8];
      random.nextBytes(b);
      Optional<Standing> standing = random.nextInt(6) == 0 ? Optional.empty() : Optional.of(Standing.values()[random.nextInt(Standing.values().length)]);
      List<VerdictEvidence> verdicts = Stream.generate(() -> new VerdictEvidence(List.of("dev", "test", "prod").get(random.nextInt(3)),
          List.of("allow", "warn", "deny").get(random.nextInt(3)), random.nextInt(101), Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)),
          "key-" + random.nextInt(5))).limit(random.nextInt(4)).toList();
      return new ImageFacts(Digest.sha256(b), standing, "summary \"" + random.nextInt() + "\" é\n\u0001", List.of("k" + random.nextInt()), verdicts,
          Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(1_000_000_000)));
    }).limit(50);
  }

  @ParameterizedTest
  @MethodSource("randomFacts")
  void roundTrips(ImageFacts facts) {
    assertEquals(facts, FactsJson.read(FactsJson.write(facts)));
    FactsJson.Envelope e = new FactsJson.Envelope("registry.example:5000/app:1", facts.digest(), facts);
    assertEquals(e, FactsJson.readEnvelope(FactsJson.writeEnvelope(e)));
  }

  @Test
  void readsOffsetsAsInstants() {
    String json = FactsJson.write(sample()).replace("2026-01-02T03:04:05Z", "2026-01-02T05:04:05+02:00");
    assertEquals(sample(), FactsJson.read(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\"standing\":\"quarantined\"|\"standing\":\"banned\"|standing 'banned'",
      "\"standing\":\"quarantined\"|\"standing\":\"QUARANTINED\"|standing 'QUARANTINED'",
      "\"standing\":\"quarantined\"|\"standing\":1|standing is not a string",
      "\"score\":12|\"score\":101|score",
      "\"score\":12|\"score\":12.5|score",
      "\"score\":12|\"score\":\"12\"|score",
      "\"decision\":\"deny\"|\"decision\":\"block\"|decision",
      "\"fetchedAt\":\"2026-01-03T00:00:00Z\"|\"fetchedAt\":\"yesterday\"|fetchedAt",
      "\"signatureKeys\":[\"SHA256:abc\",\"key-2\"]|\"signatureKeys\":{}|signatureKeys",
      "\"signatureKeys\":[\"SHA256:abc\",\"key-2\"]|\"signatureKeys\":[1]|signatureKeys",
      "\"summary\":\"critical CVE-2024-3094 in xz-utils\",|\"summary\":\"a\",\"summary\":\"b\",|malformed",
      "\"verdicts\":[|\"verdicts\":[[],|verdicts[0]",
  })
  void readsStrictly(String change) {
    String[] parts = change.split("\\|");
    String json = FactsJson.write(sample());
    assertTrue(json.contains(parts[0]), parts[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FactsJson.read(json.replaceFirst(java.util.regex.Pattern.quote(parts[0]),
        java.util.regex.Matcher.quoteReplacement(parts[1]))));
    assertTrue(e.getMessage().contains(parts[2]), e.getMessage());
  }

  @Test
  void anEnvelopeMustNameItsFactsDigest() {
    String json = FactsJson.writeEnvelope(new FactsJson.Envelope("app:1", D, sample())).replaceFirst(D.toString(), Digest.sha256("y".getBytes()).toString());
    assertThrows(IllegalArgumentException.class, () -> FactsJson.readEnvelope(json));
    assertThrows(IllegalArgumentException.class, () -> FactsJson.readEnvelope("[]"));
    assertThrows(IllegalArgumentException.class, () -> FactsJson.readEnvelope("{\"image\":\"a\",\"digest\":\"" + D + "\"}"));
  }
}
