package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseImportTest {
  static final ImportOptions OPTIONS = ImportOptions.defaults().withClock(Clock.fixed(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC));

  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(DatabaseImportTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private ImportReport importAll(Path db, Path... inputs) throws DatabaseException {
    return new DatabaseImporter(OPTIONS).importInto(db, List.of(inputs));
  }

  @Test
  void theWholeCorpusImportsWithoutProblems() throws IOException {
    Path db = tmp.resolve("db");
    ImportReport report = importAll(db, Corpus.osv());
    assertThat(report.problems()).isEmpty();
    assertThat(report.advisories()).isEqualTo(37);
    assertThat(report.withdrawn()).isEqualTo(2);
    try (Database d = Database.open(db)) {
      Status s = d.status();
      assertThat(s.schemaVersion()).isEqualTo(2);
      assertThat(s.builtAt()).isEqualTo("2024-03-01T12:00:00Z");
      assertThat(s.advisories()).isEqualTo(37);
      assertThat(s.withdrawn()).isEqualTo(2);
      assertThat(s.perEcosystem()).containsExactly(
          java.util.Map.entry("Alpine", 1L), java.util.Map.entry("Debian", 1L), java.util.Map.entry("Go", 5L),
          java.util.Map.entry("Maven", 12L), java.util.Map.entry("PyPI", 7L), java.util.Map.entry("npm", 11L));
      assertThat(s.sources()).hasSize(37).allMatch(x -> x.startsWith("osv "));
    }
  }

  @Test
  void aPackageQueryFindsEveryAdvisoryNamingItAndOnlyItsEntries() throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv());
    try (Database d = Database.open(db)) {
      assertThat(d.query("Maven", "org.apache.logging.log4j:log4j-core")).extracting(c -> c.advisory().id())
          .containsExactly("GHSA-7rjr-3q55-vv33", "GHSA-8489-44mv-ggj8", "GHSA-jfh8-c2jp-5v3q", "GHSA-p6xc-xr62-6r2g");
      // GHSA-36p3 names five packages; a query for one gets only that one's two entries
      Candidate spring = d.query("Maven", "org.springframework:spring-beans").getFirst();
      assertThat(spring.affected()).hasSize(2).allMatch(e -> e.pkg().orElseThrow().name().equals("org.springframework:spring-beans"));
      // PEP 503: Jinja2 and jinja2 are one package
      assertThat(d.query("PyPI", "JINJA2")).extracting(c -> c.advisory().id()).containsExactly("GHSA-g3rq-g295-4j3m", "GHSA-q2x7-8rv6-6q7h");
      // with a release, only that release's entry; without, all of them
      assertThat(d.query("Alpine:v3.20", "musl").getFirst().affected()).extracting(e -> e.ranges().getFirst().events().getLast().version())
          .containsExactly("1.2.5-r1");
      assertThat(d.query("Alpine", "musl").getFirst().affected()).hasSize(9);
      assertThat(d.query("Alpine:v3.15", "musl")).isEmpty();
      assertThat(d.query("Debian:9", "openssl")).extracting(c -> c.advisory().id()).containsExactly("DLA-3008-1");
      assertThat(d.query("npm", "Lodash")).isEmpty();
    }
  }

  @Test
  void withdrawnAdvisoriesAreFlaggedAndNeverCandidates() throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv());
    try (Database d = Database.open(db)) {
      assertThat(d.advisory("GO-2024-2442").orElseThrow().isWithdrawn()).isTrue();
      assertThat(d.advisory("GO-2022-0617").orElseThrow().isWithdrawn()).isTrue();
      assertThat(d.query("Go", "github.com/gravitational/teleport")).isEmpty();
      assertThat(d.query("Go", "k8s.io/kubernetes")).isEmpty();
      assertThat(d.query("Go", "golang.org/x/net")).extracting(c -> c.advisory().id()).containsExactly("GO-2023-1988");
      assertThat(d.aliases("GHSA-76cc-p55w-63g3")).containsExactly("GHSA-76cc-p55w-63g3", "GO-2024-2442");
    }
  }

  @Test
  void advisoriesSharingAnAliasFormOneGroupFoundByAnyOfItsIds() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("osv"));
    write(dir.resolve("GHSA-aaaa-bbbb-cccc.json"), record("GHSA-aaaa-bbbb-cccc", "\"CVE-2021-44228\"", "Maven", "org.example:app"));
    write(dir.resolve("GO-2099-0001.json"), record("GO-2099-0001", "\"CVE-2021-44228\", \"GHSA-zzzz-yyyy-xxxx\"", "Go", "example.com/app"));
    write(dir.resolve("OTHER-1.json"), record("OTHER-1", "\"CVE-2000-0001\"", "npm", "app"));
    Path db = tmp.resolve("db");
    ImportReport report = importAll(db, dir, resource("enrich/epss_scores-2024-03-01.csv.gz"), resource("enrich/known_exploited_vulnerabilities.json"));
    assertThat(report.epss()).isEqualTo(4);
    assertThat(report.kev()).isEqualTo(2);
    try (Database d = Database.open(db)) {
      Candidate c = d.query("Maven", "org.example:app").getFirst();
      assertThat(c.ids()).containsExactly("CVE-2021-44228", "GHSA-aaaa-bbbb-cccc", "GHSA-zzzz-yyyy-xxxx", "GO-2099-0001");
      assertThat(c.epss()).contains(new Epss("CVE-2021-44228", 0.97565, 0.99996, "2024-03-01"));
      assertThat(c.kev().orElseThrow().dateAdded()).isEqualTo("2021-12-10");
      assertThat(c.kev().orElseThrow().ransomware()).isEqualTo("Known");
      assertThat(d.aliases("CVE-2021-44228")).containsExactly("CVE-2021-44228", "GHSA-aaaa-bbbb-cccc", "GHSA-zzzz-yyyy-xxxx", "GO-2099-0001");
      assertThat(d.aliases("GHSA-zzzz-yyyy-xxxx")).contains("GHSA-aaaa-bbbb-cccc");
      assertThat(d.query("npm", "app").getFirst().ids()).containsExactly("CVE-2000-0001", "OTHER-1");
      assertThat(d.query("npm", "app").getFirst().epss()).isEmpty();
    }
  }

  @Test
  void withPartialImportsAllowedEachMalformedFileIsOneProblemAndTheImportGoesOn() throws IOException {
    Path db = tmp.resolve("db");
    ImportReport report = new DatabaseImporter(OPTIONS.withAllowPartial(true)).importInto(db,
        List.of(resource("malformed"), Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json")));
    assertThat(report.problems()).extracting(p -> Path.of(p.file()).getFileName().toString()).containsExactly(
        "aliases-not-an-array.json", "event-with-two-fields.json", "missing-modified.json", "plain-text.json", "truncated-json.json",
        "unknown-range-type.json");
    assertThat(report.problems()).extracting(Problem::reason).allMatch(r -> !r.contains("\n"));
    // an ecosystem this version does not know is a note: no scanned package can be in it
    assertThat(report.notes()).singleElement().extracting(Problem::reason)
        .isEqualTo("XYZ-2024-0001: unknown ecosystem 'Gopher Hole'; its packages were left out");
    // the unknown-ecosystem record is kept for its known package; the lodash one is untouched
    assertThat(report.advisories()).isEqualTo(2);
    try (Database d = Database.open(db)) {
      assertThat(d.query("npm", "burrow")).extracting(c -> c.advisory().id()).containsExactly("XYZ-2024-0001");
      assertThat(d.query("npm", "lodash")).hasSize(1);
    }
  }

  @Test
  void anOsvDotDevZipIsStreamedAndItsLimitsHold() throws IOException {
    Path zip = tmp.resolve("all.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (Path f : Corpus.osvFiles()) {
        z.putNextEntry(new ZipEntry(f.getFileName().toString()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    ImportReport all = importAll(tmp.resolve("db"), zip);
    assertThat(all.problems()).isEmpty();
    assertThat(all.advisories()).isEqualTo(37);

    ImportOptions tight = new ImportOptions(OPTIONS.clock(), 8_000, 30, true);
    ImportReport limited = new DatabaseImporter(tight).importInto(tmp.resolve("db2"), List.of(zip));
    assertThat(limited.problems()).anyMatch(p -> p.file().equals(zip.toString()) && p.reason().equals("more than 30 entries; the rest were skipped"));
    assertThat(limited.problems()).anyMatch(p -> p.file().endsWith("all.zip!GHSA-jfh8-c2jp-5v3q.json") && p.reason().contains("larger than the limit"));
    assertThat(limited.advisories()).isLessThan(30);
  }

  @Test
  void epssIsReadGzippedOrNot() throws IOException {
    for (String name : List.of("enrich/epss_scores-2024-03-01.csv", "enrich/epss_scores-2024-03-01.csv.gz")) {
      ImportReport r = importAll(tmp.resolve("db"), resource(name), Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
      assertThat(r.epss()).isEqualTo(4);
      assertThat(r.problems()).isEmpty();
      try (Database d = Database.open(tmp.resolve("db"))) {
        assertThat(d.epss("CVE-2022-22965")).contains(new Epss("CVE-2022-22965", 0.97462, 0.99958, "2024-03-01"));
      }
    }
  }

  @Test
  void epssCompressedWithZstdIsRecognisedByItsMagicBytes() throws IOException {
    Path zstd = tmp.resolve("in").resolve("epss_scores-2024-03-01.csv.gz");
    Files.createDirectories(zstd.getParent());
    Files.write(zstd, com.github.luben.zstd.Zstd.compress(Files.readAllBytes(resource("enrich/epss_scores-2024-03-01.csv"))));
    ImportReport r = importAll(tmp.resolve("db"), zstd, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.epss()).isEqualTo(4);
  }

  @Test
  void aBadEpssRowRefusesTheImportOrWithPartialImportsAllowedIsReportedAndTheRestKept() throws IOException {
    Path epss = resource("epss-defects/epss-with-a-malformed-row.csv");
    Path lodash = Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json");
    assertThatThrownBy(() -> importAll(tmp.resolve("db"), epss, lodash)).isInstanceOf(ImportRefusedException.class)
        .hasMessage("import into " + tmp.resolve("db") + " refused, the database was left as it was: " + epss
            + ": 1 malformed rows skipped, the first at line 7: not a CVE id: not-a-cve");
    assertThat(tmp.resolve("db")).doesNotExist();

    ImportReport r = new DatabaseImporter(OPTIONS.withAllowPartial(true)).importInto(tmp.resolve("db"), List.of(epss, lodash));
    assertThat(r.epss()).isEqualTo(4);
    assertThat(r.problems()).singleElement().extracting(Problem::reason).isEqualTo("1 malformed rows skipped, the first at line 7: not a CVE id: not-a-cve");
  }

  /** Each way an input can fail, and how it is named in the refusal. */
  static Stream<Arguments> failedInputs() {
    return Stream.of(
        Arguments.of("a path that does not exist", "no-such-file.json", "no-such-file.json: cannot read: no such file or directory"),
        Arguments.of("a name this import does not read", "README.txt", "README.txt: not an input this import reads"),
        Arguments.of("a file that is not JSON", "malformed.json", "malformed.json: not JSON: "),
        Arguments.of("a directory holding a malformed record", "dir", "missing-modified.json: GHSA-miss-ing0-mod0: missing 'modified'"),
        Arguments.of("a zip holding a malformed record", "all.zip", "all.zip!plain-text.json: not JSON: "),
        Arguments.of("a zip cut short", "cut.zip", "cut.zip: cannot read: "),
        Arguments.of("a KEV file that is not a catalogue", "known_exploited_vulnerabilities.json", "not a KEV catalogue"),
        Arguments.of("a KEV file of more tokens than the limit", "kev-bomb.json",
            "kev-bomb.json: more than 1000000 JSON tokens, the limit for the KEV catalogue"),
        Arguments.of("an OSV record larger than the limit", "huge.json", "huge.json: larger than the limit of 8000 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failedInputs")
  void anInputThatCannotBeReadRefusesTheImportAndLeavesTheDatabaseByteIdentical(String what, String name, String reason) throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv());
    byte[] before = Files.readAllBytes(db);
    Path input = tmp.resolve("in").resolve(name);
    Files.createDirectories(input.getParent());
    switch (name) {
      case "README.txt" -> write(input, "not advisories");
      case "malformed.json" -> write(input, "{\"id\": \"X-1\", ");
      case "dir" -> {
        Files.createDirectories(input);
        Files.copy(Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"), input.resolve("GHSA-35jh-r3h4-6jhm.json"));
        Files.copy(resource("malformed/missing-modified.json"), input.resolve("missing-modified.json"));
      }
      case "all.zip", "cut.zip" -> {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(input))) {
          for (Path f : List.of(Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"), resource("malformed/plain-text.json"))) {
            z.putNextEntry(new ZipEntry(f.getFileName().toString()));
            z.write(Files.readAllBytes(f));
            z.closeEntry();
          }
        }
        if (name.equals("cut.zip")) {
          byte[] whole = Files.readAllBytes(input);
          Files.write(input, java.util.Arrays.copyOf(whole, 100));
        }
      }
      case "known_exploited_vulnerabilities.json" -> write(input, "{\"title\": \"not a catalogue\"}");
      case "kev-bomb.json" -> write(input, "{\"vulnerabilities\": [" + "0,".repeat((int) KevReader.MAX_TOKENS) + "0]}");
      case "huge.json" -> write(input, record("HUGE-1", "\"" + "x".repeat(9000) + "\"", "npm", "huge"));
      default -> { }
    }
    // the good inputs come first: a refusal throws away what was already read
    ImportOptions options = name.equals("huge.json") ? new ImportOptions(OPTIONS.clock(), 8_000, 100, false) : OPTIONS;
    assertThatThrownBy(() -> new DatabaseImporter(options).importInto(db, List.of(Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"), input)))
        .as(what).isInstanceOf(ImportRefusedException.class)
        .hasMessageStartingWith("import into " + db + " refused, the database was left as it was: ")
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(Files.readAllBytes(db)).as(what).isEqualTo(before);
    try (var files = Files.list(tmp)) {
      assertThat(files).as(what + ": no temporary file left").containsExactlyInAnyOrder(db, tmp.resolve("in"));
    }
  }

  @Test
  void inputsWithoutAnAdvisoryInForceAreRefusedEvenWithPartialImportsAllowed() throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv());
    byte[] before = Files.readAllBytes(db);
    DatabaseImporter partial = new DatabaseImporter(OPTIONS.withAllowPartial(true));
    assertThatThrownBy(() -> partial.importInto(db, List.of(resource("enrich/epss_scores-2024-03-01.csv"))))
        .isInstanceOf(ImportRefusedException.class)
        .hasMessage("import into " + db + " refused, the database was left as it was: the inputs hold no advisories")
        .satisfies(e -> assertThat(((ImportRefusedException) e).problem()).isEmpty());
    assertThatThrownBy(() -> partial.importInto(db, List.of(resource("malformed/plain-text.json"), tmp.resolve("missing"))))
        .isInstanceOf(ImportRefusedException.class).hasMessageEndingWith("the inputs hold no advisories");
    assertThatThrownBy(() -> partial.importInto(db, List.of(Files.createDirectories(tmp.resolve("empty")))))
        .isInstanceOf(ImportRefusedException.class).hasMessageEndingWith("the inputs hold no advisories");
    assertThatThrownBy(() -> partial.importInto(db, List.of(Corpus.osv("Go/GO-2024-2442.json"))))
        .isInstanceOf(ImportRefusedException.class).hasMessageEndingWith("the inputs hold no advisories in force (1 withdrawn)");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void theNewerOfTwoRecordsWithOneIdIsKept() throws IOException {
    Path a = tmp.resolve("a/X-1.json");
    Path b = tmp.resolve("b/X-1.json");
    write(a, record("X-1", "", "npm", "old-name").replace("2024-03-01T10:00:00Z", "2024-05-01T10:00:00Z"));
    write(b, record("X-1", "", "npm", "new-name").replace("2024-03-01T10:00:00Z", "2024-01-01T10:00:00Z"));
    ImportReport r = importAll(tmp.resolve("db"), b, a);
    assertThat(r.advisories()).isEqualTo(1);
    assertThat(r.superseded()).isEqualTo(1);
    try (Database d = Database.open(tmp.resolve("db"))) {
      assertThat(d.query("npm", "new-name")).isEmpty();
      assertThat(d.query("npm", "old-name")).hasSize(1);
    }
  }

  @Test
  void theSameInputsAndClockGiveTheSameBytes() throws IOException {
    importAll(tmp.resolve("one"), Corpus.osv());
    importAll(tmp.resolve("two"), Corpus.osv());
    assertThat(Files.readAllBytes(tmp.resolve("one"))).isEqualTo(Files.readAllBytes(tmp.resolve("two")));
  }

  @Test
  void anImportReplacesTheDatabaseWholeAndLeavesNoTemporaryFiles() throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv());
    importAll(db, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
    try (Database d = Database.open(db)) {
      assertThat(d.status().advisories()).isEqualTo(1);
    }
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(db);
    }
  }

  /** An import replaces the file by renaming: the identity a cache keeps matches under changes with it, and only then. */
  @Test
  void aDatabaseKeepsItsIdentityUntilAnImportReplacesIt() throws IOException {
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
    String first;
    try (Database d = Database.open(db)) {
      first = d.identity();
    }
    assertThat(first).as("the identity of a file on this file system").isNotNull();
    try (Database d = Database.open(db)) {
      assertThat(d.identity()).isEqualTo(first);
    }
    // the same advisories again, byte for byte: still another file
    importAll(db, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
    try (Database d = Database.open(db)) {
      assertThat(d.identity()).isNotNull().isNotEqualTo(first);
    }
  }

  /** Deferred: a missing file fails at once, anything else at the first use, which reads as an eager open does. */
  @Test
  void aDeferredDatabaseConnectsAtItsFirstUse() throws IOException {
    assertThatThrownBy(() -> Database.deferred(tmp.resolve("missing"))).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("open vulnerability database " + tmp.resolve("missing") + ": no such file");
    Path junk = write(tmp.resolve("junk"), "this is not SQLite at all, just some text long enough to be a header".repeat(20));
    try (Database d = Database.deferred(junk)) {
      assertThatThrownBy(d::connect).isInstanceOf(DatabaseException.class).hasMessageStartingWith("open vulnerability database " + junk + ": ");
      assertThatThrownBy(() -> d.query("npm", "lodash")).isInstanceOf(DatabaseException.class).hasMessageStartingWith("open vulnerability database " + junk);
    }
    Path db = tmp.resolve("db");
    importAll(db, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
    Database d = Database.deferred(db);
    try (Database eager = Database.open(db)) {
      assertThat(d.identity()).isEqualTo(eager.identity());
      assertThat(d.builtAt()).isEqualTo(eager.builtAt());
      assertThat(d.status()).isEqualTo(eager.status());
    }
    d.close();
    assertThatThrownBy(d::connect).hasMessage("read vulnerability database " + db + ": it is closed");
    // replaced between the deferred open and its first use: the identity handed out is not the file's any more
    try (Database later = Database.deferred(db)) {
      importAll(db, Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"));
      assertThatThrownBy(later::connect).hasMessage("open vulnerability database " + db + ": the file was replaced while in use (run the command again)");
    }
  }

  @Test
  void openingSomethingElseSaysWhatWasBeingDone() throws IOException {
    assertThatThrownBy(() -> Database.open(tmp.resolve("missing"))).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("open vulnerability database " + tmp.resolve("missing") + ": no such file");
    Path junk = write(tmp.resolve("junk"), "this is not SQLite at all, just some text long enough to be a header".repeat(20));
    assertThatThrownBy(() -> Database.open(junk)).isInstanceOf(DatabaseException.class).hasMessageStartingWith("open vulnerability database " + junk);
  }

  static String record(String id, String aliases, String ecosystem, String name) {
    return """
        {"schema_version": "1.6.0", "id": "%s", "modified": "2024-03-01T10:00:00Z", "aliases": [%s],
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
         "affected": [{"package": {"ecosystem": "%s", "name": "%s"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}
        """.formatted(id, aliases, ecosystem, name);
  }

  static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

}
