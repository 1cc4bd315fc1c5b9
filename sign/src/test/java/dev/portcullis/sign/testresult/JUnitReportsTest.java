package dev.portcullis.sign.testresult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.dsse.SignedJson;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reader on real Maven Surefire reports of this build (copied from {@code sign/target/surefire-reports}
 * after {@code mvn -pl sign test}, their {@code <properties>} trimmed to a few; the failed, skipped and
 * rerun ones come from throwaway test classes run once for this purpose, the rerun one with
 * {@code -Dsurefire.rerunFailingTestsCount=1}), and on hostile ones named after their defect.
 */
class JUnitReportsTest {
  static final Instant AT = Instant.parse("2026-06-01T10:00:00Z");
  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(JUnitReportsTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void aDirectoryOfPassingSurefireReportsIsPassedWithEveryTestNamedAsMavenTestAcceptsIt() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("surefire-passed")));
    assertThat(run.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(run.tests()).isEqualTo(13);
    assertThat(run.warned()).isEmpty();
    assertThat(run.failed()).isEmpty();
    assertThat(run.passed()).isSorted().contains(
        "dev.portcullis.sign.PredicateTypesTest#eachTypeGivesItsTimeFromItsOwnPlace",
        "dev.portcullis.sign.PredicateTypesTest#noTimeUnlessAnRfc3339DateTimeWithAnOffset(String)[6]",
        "dev.portcullis.sign.dsse.DsseEnvelopeTest#paeIsTheSpecsExample");
    Path predicateTypes = fixture("surefire-passed/TEST-dev.portcullis.sign.PredicateTypesTest.xml");
    assertThat(run.reports()).extracting(TestRun.Report::name).containsExactly(
        "TEST-dev.portcullis.sign.PredicateTypesTest.xml", "TEST-dev.portcullis.sign.dsse.DsseEnvelopeTest.xml",
        "TEST-dev.portcullis.sign.key.PassphraseTest.xml");
    assertThat(run.reports().get(0).sha256()).isEqualTo(sha256(predicateTypes));
  }

  @Test
  void thePredicateHasTheSpecsFieldsAndSaysWhenItWasMade() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("surefire-passed/TEST-dev.portcullis.sign.key.PassphraseTest.xml")));
    JsonNode p = run.predicate(Optional.of("https://ci.example/job/42"), AT);
    assertThat(SignedJson.MAPPER.writeValueAsString(p)).isEqualTo("{\"result\":\"PASSED\",\"configuration\":[{\"name\":"
        + "\"TEST-dev.portcullis.sign.key.PassphraseTest.xml\",\"mediaType\":\"application/xml\",\"digest\":{\"sha256\":\""
        + sha256(fixture("surefire-passed/TEST-dev.portcullis.sign.key.PassphraseTest.xml")) + "\"}}],\"url\":\"https://ci.example/job/42\","
        + "\"passedTests\":[" + String.join(",", run.passed().stream().map(n -> "\"" + n + "\"").toList()) + "],\"warnedTests\":[],"
        + "\"failedTests\":[],\"portcullisAttestedAt\":\"2026-06-01T10:00:00Z\"}");
    assertThat(run.passed()).hasSize(3);
    assertThat(PredicateTypes.time(PredicateTypes.TEST_RESULT, p)).hasValue(AT);
    assertThat(Outcome.of(p)).hasValue(Outcome.PASSED);
    assertThat(run.predicate(Optional.empty(), AT).has("url")).isFalse();
    assertThatThrownBy(() -> run.predicate(Optional.of("ci job 42"), AT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute URI");
  }

  @Test
  void aFailureFailsTheRun() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("surefire-failed")));
    assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(run.failed()).containsExactly("dev.portcullis.sign.scratch.RegistryPushTest#keepsTheDigest");
    assertThat(run.passed()).containsExactly("dev.portcullis.sign.scratch.RegistryPushTest#pushesTheManifest");
  }

  @Test
  void aSkippedTestWarns() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("surefire-skipped")));
    assertThat(run.outcome()).isEqualTo(Outcome.WARNED);
    assertThat(run.warned()).containsExactly("dev.portcullis.sign.scratch.SkopeoCopyTest#copiesAnArchive");
    assertThat(run.passed()).containsExactly("dev.portcullis.sign.scratch.SkopeoCopyTest#copiesALayout");
  }

  @Test
  void rerunsErrorsAssumptionsAndFlakesAsSurefireWritesThem() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("surefire-rerun")));
    String c = "dev.portcullis.sign.scratch.ScratchReportTest#";
    assertThat(run.failed()).containsExactly(c + "failsAnAssertion", c + "throwsAnError");
    // an aborted assumption and @Disabled are skipped; a test that passed only on its rerun is flaky: all warned
    assertThat(run.warned()).containsExactly(c + "abortsOnAnAssumption", c + "isDisabled", c + "isFlaky");
    assertThat(run.passed()).containsExactly(c + "passes");
    assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void severalInputsMakeOneRunAndATestSeenTwiceKeepsItsWorstOutcome() throws Exception {
    Path failed = fixture("surefire-failed/TEST-dev.portcullis.sign.scratch.RegistryPushTest.xml");
    Path dir = Files.createDirectories(tmp.resolve("reports"));
    // the same test passing in another report: the failure wins
    Files.writeString(dir.resolve("TEST-again.xml"), Files.readString(failed).replaceAll("(?s)<failure .*?</failure>", ""));
    Files.writeString(dir.resolve("other.xml"), "not read: a directory means its TEST-*.xml");
    TestRun run = JUnitReports.read(List.of(fixture("surefire-passed"), failed, dir, failed, fixture("surefire-skipped")));
    assertThat(run.reports()).hasSize(6);
    assertThat(run.failed()).containsExactly("dev.portcullis.sign.scratch.RegistryPushTest#keepsTheDigest");
    assertThat(run.warned()).containsExactly("dev.portcullis.sign.scratch.SkopeoCopyTest#copiesAnArchive");
    assertThat(run.tests()).isEqualTo(13 + 2 + 2);
    assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
    TestRun reordered = JUnitReports.read(List.of(fixture("surefire-skipped"), dir, failed, fixture("surefire-passed")));
    assertThat(reordered.predicate(Optional.empty(), AT)).isEqualTo(run.predicate(Optional.empty(), AT));
  }

  @Test
  void aTestsuitesRootWithNestedSuitesAndATestWithoutClassName() throws Exception {
    TestRun run = JUnitReports.read(List.of(fixture("testsuites-root")));
    assertThat(run.passed()).containsExactly("dev.portcullis.oci.LayoutTest#readsBlob", "dev.portcullis.oci.LayoutTest#readsIndex", "starts");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "TEST-doctype-with-billion-laughs.xml | : a DOCTYPE (DTDs and entities are refused in a test report)",
      "TEST-external-entity.xml             | : a DOCTYPE (DTDs and entities are refused in a test report)",
      "TEST-undeclared-entity.xml           | : not well-formed XML at line 3",
      "TEST-not-xml.xml                     | : not well-formed XML at line 1, column 1 (",
      "TEST-truncated.xml                   | : not well-formed XML at line",
      "TEST-no-testcase.xml                 | : no <testcase> in it (a report of no test attests nothing)",
      "failsafe-summary.xml                 | : not a JUnit report (its root element is <failsafe-summary>, not <testsuite> or <testsuites>)",
      "TEST-testcase-without-name.xml       | : a <testcase> without a name at line 3"})
  void hostileReportsAreRefusedInOneLineNamingTheFile(String name, String why) {
    Path file = fixture("hostile/" + name);
    assertThatThrownBy(() -> JUnitReports.read(List.of(file))).isInstanceOf(JUnitReportException.class)
        .hasMessageStartingWith("read JUnit report " + file + why)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(hostname()));
  }

  private static String hostname() {
    try {
      String h = Files.readString(Path.of("/etc/hostname")).strip();
      return h.isEmpty() ? "\0" : h;
    } catch (java.io.IOException e) {
      return "\0";
    }
  }

  @Test
  void oneHostileReportRefusesTheWholeRun() {
    Path bad = fixture("hostile/TEST-external-entity.xml");
    assertThatThrownBy(() -> JUnitReports.read(List.of(fixture("surefire-passed"), bad))).isInstanceOf(JUnitReportException.class)
        .hasMessageStartingWith("read JUnit report " + bad + ": a DOCTYPE");
  }

  @Test
  void aFileOverTheDefaultLimitIsRefusedBeforeItIsRead() throws Exception {
    Path huge = tmp.resolve("TEST-huge.xml");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength((64L << 20) + 1); // sparse: nothing is written
    }
    assertThatThrownBy(() -> JUnitReports.read(List.of(huge))).isInstanceOf(JUnitReportException.class)
        .hasMessage("read JUnit report " + huge + ": 67108865 bytes, more than the 67108864 allowed");
  }

  @Test
  void everyOtherLimitHolds() {
    Path passed = fixture("surefire-passed");
    JUnitReports.Limits d = JUnitReports.Limits.DEFAULTS;
    assertThatThrownBy(() -> JUnitReports.read(List.of(passed), new JUnitReports.Limits(d.maxFileBytes(), 2, d.maxTestCases(), d.maxNameChars(),
        d.maxNamesChars()))).hasMessage("read JUnit reports in " + passed + ": more than 2 report files");
    assertThatThrownBy(() -> JUnitReports.read(List.of(passed), new JUnitReports.Limits(d.maxFileBytes(), d.maxFiles(), 12, d.maxNameChars(),
        d.maxNamesChars()))).hasMessageEndingWith(": more than 12 test cases in all the reports");
    assertThatThrownBy(() -> JUnitReports.read(List.of(passed), new JUnitReports.Limits(d.maxFileBytes(), d.maxFiles(), d.maxTestCases(), 60,
        d.maxNamesChars()))).hasMessageEndingWith("TEST-dev.portcullis.sign.PredicateTypesTest.xml: a test name of 91 characters at line 12, "
            + "column 138, more than the 60 allowed");
    assertThatThrownBy(() -> JUnitReports.read(List.of(passed), new JUnitReports.Limits(d.maxFileBytes(), d.maxFiles(), d.maxTestCases(),
        d.maxNameChars(), 500))).hasMessageEndingWith(": the test names together are more than 500 characters");
    assertThatThrownBy(() -> JUnitReports.read(List.of(passed), new JUnitReports.Limits(1000, d.maxFiles(), d.maxTestCases(), d.maxNameChars(),
        d.maxNamesChars()))).hasMessageEndingWith("bytes, more than the 1000 allowed");
  }

  @Test
  void missingInputsAndEmptyDirectoriesAreRefused() throws Exception {
    assertThatThrownBy(() -> JUnitReports.read(List.of(tmp.resolve("nope.xml")))).hasMessage("read JUnit report " + tmp.resolve("nope.xml")
        + ": no such file or directory");
    assertThatThrownBy(() -> JUnitReports.read(List.of(tmp))).hasMessage("read JUnit reports in " + tmp + ": no TEST-*.xml file there");
    assertThatThrownBy(() -> JUnitReports.read(List.of())).hasMessage("read JUnit reports: no report file or directory given");
    Path odd = Files.createDirectories(tmp.resolve("odd"));
    Path notAFile = Files.createDirectories(odd.resolve("TEST-a-directory.xml"));
    assertThatThrownBy(() -> JUnitReports.read(List.of(odd))).hasMessage("read JUnit report " + notAFile + ": not a regular file");
  }
}
