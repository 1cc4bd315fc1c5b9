package dev.portcullis.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OsvParserTest {
  static Stream<Path> corpus() {
    return Corpus.osvFiles().stream();
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void everyCorpusAdvisoryParsesWithItsIdAndPackages(Path file) throws IOException {
    ParseResult r = OsvParser.parse(Files.readAllBytes(file));
    assertThat(r).isInstanceOf(ParseResult.Parsed.class);
    Advisory a = ((ParseResult.Parsed) r).advisory();
    assertThat(file.getFileName().toString()).isEqualTo(a.id() + ".json");
    assertThat(a.affected()).isNotEmpty().allSatisfy(e -> assertThat(e.pkg()).isPresent());
  }

  @Test
  void theCorpusHoldsThirtySevenAdvisories() {
    assertThat(Corpus.osvFiles()).hasSize(37);
  }

  @Test
  void everyFieldOfARichRecordIsRead() throws IOException {
    Advisory a = parsed("Go/GO-2024-2442.json");
    assertThat(a.schemaVersion()).isEqualTo("1.3.1");
    assertThat(a.withdrawn()).contains(Instant.parse("2024-01-23T12:50:23Z"));
    assertThat(a.isWithdrawn()).isTrue();
    assertThat(a.aliases()).containsExactly("GHSA-76cc-p55w-63g3");
    Affected e = a.affected().getFirst();
    assertThat(e.pkg().orElseThrow().name()).isEqualTo("github.com/gravitational/teleport");
    assertThat(e.ranges().getFirst().type()).isEqualTo(Affected.RangeType.SEMVER);
    assertThat(e.ecosystemSpecific()).containsKey("custom_ranges");
    assertThat(a.databaseSpecific()).containsEntry("review_status", "UNREVIEWED");

    Advisory dla = parsed("Debian-9/DLA-3008-1.json");
    assertThat(dla.upstream()).containsExactly("CVE-2022-1292", "DEBIAN-CVE-2022-1292");
    assertThat(dla.affected().getFirst().versions()).hasSize(19).contains("1.1.0f-3+deb9u2");
    assertThat(dla.affected().getFirst().pkg().orElseThrow().ecosystemBase()).isEqualTo("Debian");

    Advisory request = parsed("npm/GHSA-p8p7-x288-28g6.json");
    assertThat(request.affected().getFirst().ranges().getFirst().events())
        .extracting(Affected.Event::kind).containsExactly(Affected.EventKind.INTRODUCED, Affected.EventKind.LAST_AFFECTED);
    assertThat(request.severity()).extracting(Advisory.Severity::type).contains("CVSS_V3");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not json at all|not JSON",
      "[1,2]|not a JSON object",
      "{\"modified\":\"2024-01-01T00:00:00Z\"}|missing 'id'",
      "{\"id\":\"X-1\"}|X-1: missing 'modified'",
      "{\"id\":\"X-1\",\"modified\":\"yesterday\"}|X-1: 'modified' is not an RFC 3339 UTC timestamp: 'yesterday'",
      "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":\"CVE-1\"}|X-1: 'aliases' is not an array",
      "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"name\":\"a\"}}]}|X-1: affected[0]: package: missing 'ecosystem'",
      "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{\"type\":\"DATE\",\"events\":[{\"introduced\":\"0\"}]}]}]}|X-1: affected[0]: ranges[0]: unknown range type 'DATE'",
      "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}|X-1: affected[0]: ranges[0]: an event must be an object with exactly one field",
      "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{\"type\":\"GIT\",\"events\":[{\"introduced\":\"0\"}]}]}]}|a GIT range needs a repo",
  })
  void malformedDocumentsBecomeOneLineReasons(String json, String reason) {
    ParseResult r = OsvParser.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(r).isInstanceOf(ParseResult.Malformed.class);
    assertThat(((ParseResult.Malformed) r).reason()).contains(reason).doesNotContain("\n");
  }

  private static String withAliases(int count, String extra) {
    StringBuilder json = new StringBuilder("{\"id\": \"X-1\", \"modified\": \"2024-03-01T10:00:00Z\", \"aliases\": [");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ",").append("\"CVE-2024-").append(i).append('"');
    }
    return json.append("]").append(extra).append('}').toString();
  }

  private static ParseResult parse(String json) {
    return OsvParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void identifierListsAreCappedPerRecord() {
    assertThat(parse(withAliases(OsvParser.MAX_IDENTIFIERS, ""))).isInstanceOfSatisfying(ParseResult.Parsed.class,
        p -> assertThat(p.advisory().aliases()).hasSize(OsvParser.MAX_IDENTIFIERS));
    assertThat(parse(withAliases(OsvParser.MAX_IDENTIFIERS + 1, ""))).isEqualTo(
        new ParseResult.Malformed("X-1: 'aliases' has 10001 entries, more than the limit of 10000"));
    String related = ", \"related\": [" + "\"CVE-1\",".repeat(OsvParser.MAX_IDENTIFIERS) + "\"CVE-2\"]";
    assertThat(parse(withAliases(1, related))).isEqualTo(
        new ParseResult.Malformed("X-1: 'related' has 10001 entries, more than the limit of 10000"));
  }

  @Test
  void aRecordOfMoreTokensThanTheLimitIsRefusedWhileItIsRead() {
    // each version is one token; the record's own fields bring a few more
    String versions = ", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"a\"}, \"versions\": ["
        + "\"1\",".repeat((int) OsvParser.MAX_TOKENS) + "\"2\"]}]";
    assertThat(parse(withAliases(1, versions))).isEqualTo(new ParseResult.Malformed("more than 1000000 JSON tokens, the limit for one record"));
    String fewer = ", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"a\"}, \"versions\": ["
        + "\"1\",".repeat((int) OsvParser.MAX_TOKENS - 100) + "\"2\"]}]";
    assertThat(parse(withAliases(1, fewer))).isInstanceOf(ParseResult.Parsed.class);
  }

  /** The free-form objects are read by recursion over the tree: the reader's nesting limit bounds its depth. */
  @Test
  void freeFormObjectsAreReadToTheReadersNestingLimitAndRefusedBeyondIt() {
    String within = ", \"database_specific\": " + "{\"a\": ".repeat(900) + "1" + "}".repeat(900);
    assertThat(parse(withAliases(1, within))).isInstanceOfSatisfying(ParseResult.Parsed.class, p -> {
      Object v = p.advisory().databaseSpecific();
      int depth = 0;
      while (v instanceof java.util.Map<?, ?> m) {
        v = m.get("a");
        depth++;
      }
      assertThat(depth).isEqualTo(900);
      assertThat(v).isEqualTo(1);
    });
    String beyond = ", \"database_specific\": " + "{\"a\": ".repeat(100_000) + "1" + "}".repeat(100_000);
    assertThat(parse(withAliases(1, beyond))).isInstanceOfSatisfying(ParseResult.Malformed.class,
        m -> assertThat(m.reason()).startsWith("beyond a limit of the JSON reader: ").contains("nesting").doesNotContain("\n"));
  }

  @Test
  void pep503NamesAreNormalisedAndOthersKept() {
    assertThat(List.of(Ecosystems.normaliseName("PyPI", "Jinja2"), Ecosystems.normaliseName("PyPI", "zope.interface__x"),
        Ecosystems.normaliseName("Maven", "org.Foo:Bar"), Ecosystems.normaliseName("npm", "@Cypress/request")))
        .containsExactly("jinja2", "zope-interface-x", "org.Foo:Bar", "@Cypress/request");
  }

  private static Advisory parsed(String relative) throws IOException {
    return ((ParseResult.Parsed) OsvParser.parse(Files.readAllBytes(Corpus.osv(relative)))).advisory();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
  void theFastTimestampPathAgreesWithInstantParse(long seed) {
    java.util.Random r = new java.util.Random(seed);
    List<String> samples = new java.util.ArrayList<>(List.of("2024-01-31T12:34:56Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T24:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00.1Z",
        "2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00.Z", "2024-01-01t00:00:00Z",
        "2024-01-01T00:00:00+00:00", "+12024-01-01T00:00:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:0xZ", "0000-01-01T00:00:00Z"));
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", r.nextInt(3000), r.nextInt(14),
          r.nextInt(33), r.nextInt(25), r.nextInt(61), r.nextInt(61)));
      int fraction = r.nextInt(12);
      if (fraction > 0) {
        b.append('.');
        for (int d = 0; d < fraction - 1; d++) {
          b.append((char) ('0' + r.nextInt(10)));
        }
      }
      samples.add(b.append('Z').toString());
    }
    for (String s : samples) {
      Object expected;
      try {
        expected = java.time.Instant.parse(s);
      } catch (java.time.format.DateTimeParseException e) {
        expected = "refused";
      }
      Object actual;
      try {
        actual = OsvParser.instant(s);
      } catch (java.time.format.DateTimeParseException e) {
        actual = "refused";
      }
      assertThat(actual).as(s).isEqualTo(expected);
    }
  }
}
