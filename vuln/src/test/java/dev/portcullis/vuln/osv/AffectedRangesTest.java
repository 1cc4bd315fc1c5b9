package dev.portcullis.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vuln.osv.Affected.Event;
import dev.portcullis.vuln.osv.Affected.EventKind;
import dev.portcullis.vuln.osv.Affected.Range;
import dev.portcullis.vuln.osv.Affected.RangeType;
import dev.portcullis.vuln.testing.Corpus;
import dev.portcullis.vuln.testing.DottedNumbers;
import dev.portcullis.vuln.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AffectedRangesTest {
  private static final DottedNumbers SCHEME = DottedNumbers.INSTANCE;

  /** "introduced=1.0.0 fixed=1.0.2" style shorthand for one range of events. */
  private static Range range(RangeType type, String events) {
    List<Event> out = new ArrayList<>();
    for (String e : events.split(" ")) {
      String[] kv = e.split("=");
      out.add(new Event(EventKind.valueOf(kv[0].toUpperCase(java.util.Locale.ROOT)), kv[1]));
    }
    return new Range(type, type == RangeType.GIT ? "https://example.org/repo.git" : "", out, Map.of());
  }

  private static Affected affected(List<String> versions, Range... ranges) {
    return new Affected(Optional.of(new Affected.Package("npm", "pkg", "")), List.of(), List.of(ranges), versions, Map.of(), Map.of());
  }

  private static Version version(String raw) {
    return DottedNumbers.version(raw);
  }

  private static boolean covers(Affected a, String version) {
    return AffectedRanges.of(a).affects(version(version)) instanceof Evaluation.Affected;
  }

  // The OSV schema's "Evaluation" section: introduced 0, fixed; unsorted events; last_affected; limit.
  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
      "introduced=0 fixed=1.0.2, 0.1, true",
      "introduced=0 fixed=1.0.2, 1.0.1, true",
      "introduced=0 fixed=1.0.2, 1.0.2, false",
      "introduced=0 fixed=1.0.2, 2.0, false",
      "introduced=1.0.0 fixed=1.0.2, 0.9, false",
      "introduced=1.0.0 fixed=1.0.2, 1.0.0, true",
      // events in any order are sorted first
      "fixed=1.0.2 introduced=1.0.0 fixed=2.0.1 introduced=2.0.0, 2.0.0, true",
      "fixed=1.0.2 introduced=1.0.0 fixed=2.0.1 introduced=2.0.0, 1.5, false",
      "fixed=1.0.2 introduced=1.0.0 fixed=2.0.1 introduced=2.0.0, 2.0.1, false",
      // last_affected includes its own version
      "introduced=0 last_affected=2.88.2, 2.88.2, true",
      "introduced=0 last_affected=2.88.2, 2.88.3, false",
      // limit: at or above it nothing is affected, whatever the events say
      "introduced=0 limit=1.5, 1.4, true",
      "introduced=0 limit=1.5, 1.5, false",
      "introduced=0 limit=1.5, 3.0, false",
      "introduced=0 limit=*, 3.0, true",
      // "*" is no version of the scheme, and no limit: the walk never orders it against the events
      "introduced=1.0 limit=*, 3.0, true",
      "introduced=1.0 limit=* fixed=2.0, 3.0, false",
      // introduced with no end covers everything above
      "introduced=1.0, 99.0, true",
      "introduced=1.0, 0.9, false",
      // an empty range: introduced and fixed at the same version
      "introduced=1.0 fixed=1.0, 1.0, false",
      // the scheme decides equality: 1.0 is 1.0.0 here
      "introduced=1.0 fixed=3.1.1, 1.0.0, true",
  })
  void eventsFollowTheSchemaEvaluation(String events, String version, boolean expected) {
    assertThat(covers(affected(List.of(), range(RangeType.ECOSYSTEM, events)), version)).isEqualTo(expected);
  }

  @Test
  void explicitVersionsCoverExactlyThemselves() {
    Affected a = affected(List.of("0.7.29", "0.8.0"), range(RangeType.ECOSYSTEM, "introduced=5.0 fixed=6.0"));
    assertThat(AffectedRanges.of(a).affects(version("0.8.0"))).isInstanceOf(Evaluation.Affected.class);
    assertThat(covers(a, "0.8.1")).isFalse();
    assertThat(covers(a, "5.5")).isTrue();
  }

  @Test
  void gitRangesAreLeftOutWithANote() {
    Affected a = affected(List.of(), range(RangeType.GIT, "introduced=0 fixed=abc123"), range(RangeType.SEMVER, "introduced=2.0 fixed=2.1"));
    Evaluation e = AffectedRanges.of(a).affects(version("1.0"));
    assertThat(e).isInstanceOf(Evaluation.NotAffected.class);
    assertThat(e.notes()).singleElement().asString().contains("GIT range of https://example.org/repo.git ignored");
  }

  @Test
  void aRangeTheSchemeCannotReadIsLeftOutAndTheOthersStillCount() {
    Affected a = affected(List.of(), range(RangeType.ECOSYSTEM, "introduced=0 fixed=1.2.3-r4"), range(RangeType.ECOSYSTEM, "introduced=2.0 fixed=2.5"));
    Evaluation e = AffectedRanges.of(a).affects(version("2.1"));
    assertThat(e).isInstanceOf(Evaluation.Affected.class);
    assertThat(e.notes()).singleElement().asString().contains("'1.2.3-r4' is not a dotted-numbers version");
  }

  @Test
  void anInstalledVersionTheSchemeCannotReadIsUndecidable() {
    assertThat(SCHEME.tryParse("1.0-beta")).isEmpty();
    assertThat(Evaluation.unparseable(SCHEME, "1.0-beta")).isEqualTo(
        new Evaluation.Undecidable("'1.0-beta' is not a dotted-numbers version", List.of()));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @CsvSource({
      "introduced=0 fixed=2.3.1|introduced=2.4 fixed=2.12.2|introduced=2.13.0 fixed=2.15.0, 2.14.1, 2.15.0",
      "introduced=0 fixed=2.3.1|introduced=2.4 fixed=2.12.2|introduced=2.13.0 fixed=2.15.0, 2.5, 2.12.2",
      "introduced=0 fixed=2.3.1|introduced=2.4 fixed=2.12.2|introduced=2.13.0 fixed=2.15.0, 1.0, 2.3.1",
      "introduced=0 fixed=2.3.1|introduced=2.4 fixed=2.12.2|introduced=2.13.0 fixed=2.15.0, 2.15.0, ''",
      "introduced=0 last_affected=2.88.2, 2.0, ''",
  })
  void nearestFixedIsTheSmallestFixAboveTheInstalledVersion(String ranges, String installed, String expected) {
    Affected a = affected(List.of(), java.util.Arrays.stream(ranges.split("\\|")).map(r -> range(RangeType.ECOSYSTEM, r)).toArray(Range[]::new));
    assertThat(AffectedRanges.of(a).nearestFixed(version(installed)).orElse("")).isEqualTo(expected);
  }

  // Log4Shell (GHSA-jfh8-c2jp-5v3q) as published: three affected entries for log4j-core.
  @ParameterizedTest(name = "log4j-core {0}: {1}")
  @CsvSource({"2.0, true", "2.3.1, false", "2.4, true", "2.12.1, true", "2.12.2, false", "2.12.4, false", "2.13.0, true", "2.14.1, true",
      "2.15.0, false", "2.17.1, false"})
  void log4shellFromTheCorpus(String version, boolean expected) throws IOException {
    Advisory a = ((ParseResult.Parsed) OsvParser.parse(Files.readAllBytes(Corpus.osv("Maven/GHSA-jfh8-c2jp-5v3q.json")))).advisory();
    boolean any = a.affected().stream().anyMatch(e -> covers(e, version));
    assertThat(any).isEqualTo(expected);
  }
}
