package dev.portcullis.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VEX statements apply only within their product's scope, and the latest statement about a finding wins (issue 19, items 2 and 3). */
class VexTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 29);
  /** The manifest digest of examples/hello/image. */
  static final Digest HELLO = Digest.parse("sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5");
  private static final Digest INDEX = Digest.sha256("an index".getBytes(StandardCharsets.UTF_8));
  private static final Digest ZERO = Digest.parse("sha256:" + "0".repeat(64));
  static final VexSubject HELLO_FROM_A_FILE = VexSubject.image(HELLO, List.of(), null);

  private static final Package MINIMIST = new Package("minimist", "", "1.2.0", Ecosystem.NPM, "pkg:npm/minimist@1.2.0", "test-cataloger",
      List.of(new Location("/app/node_modules/minimist/package.json", 1, ZERO)), null, null, Map.of());
  private static final Package LODASH = new Package("lodash", "", "4.17.15", Ecosystem.NPM, "pkg:npm/lodash@4.17.15", "test-cataloger",
      List.of(new Location("/app/node_modules/lodash/package.json", 1, ZERO)), null, null, Map.of());
  static final Finding.Vulnerability PROTOTYPE_POLLUTION = new Finding.Vulnerability("GHSA-xvch-5gv4-984h", List.of("CVE-2021-44906"), MINIMIST, "1.2.0",
      "1.2.6", Severity.CRITICAL, 9.8, null, null, null, false, Finding.Vulnerability.Status.FIXED, "minimist prototype pollution", "npm-matcher", null);
  static final Finding.Vulnerability LODASH_TEMPLATE_FINDING = new Finding.Vulnerability("GHSA-p6mc-m468-83gw", List.of("CVE-2020-8203"), LODASH, "4.17.15",
      "4.17.19", Severity.HIGH, null, null, null, null, false, Finding.Vulnerability.Status.FIXED, "lodash", "npm-matcher", null);

  @TempDir Path tmp;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(VexTest.class.getResource(name).toURI());
  }

  private static List<String> suppressed(VexSubject subject, VexDocument... documents) {
    NoiseControl noise = new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(documents), TODAY);
    return noise.apply(List.of(PROTOTYPE_POLLUTION, LODASH_TEMPLATE_FINDING), subject).suppressed().stream().map(s -> s.finding().id()).toList();
  }

  // item 2: the attack as reported, in both formats

  @Test
  void aStatementAboutAnotherImageSuppressesNothingInThisOne() throws Exception {
    VexDocument openVex = VexReader.read(resource("openvex-other-product.json"));
    VexDocument cycloneDx = VexReader.read(resource("cyclonedx-other-product.json"));
    assertThat(suppressed(HELLO_FROM_A_FILE, openVex)).isEmpty();
    assertThat(suppressed(HELLO_FROM_A_FILE, cycloneDx)).isEmpty();
    assertThat(suppressed(VexSubject.PACKAGES_ONLY, openVex, cycloneDx)).isEmpty();
    // the statement keeps its scope: an image product, limited to one subcomponent
    assertThat(openVex.statements()).singleElement().satisfies(s -> assertThat(s.products()).singleElement()
        .satisfies(p -> assertThat(p.product().toString()).isEqualTo("pkg:oci/other-app@" + ZERO))
        .satisfies(p -> assertThat(p.subcomponents()).extracting(Purl::toString).containsExactly("pkg:npm/minimist@1.2.0")));
  }

  @Test
  void theSameStatementAboutThisImageSuppressesOnlyItsSubcomponent() throws Exception {
    for (String file : List.of("openvex-this-image.json", "cyclonedx-this-image.json")) {
      VexDocument doc = VexReader.read(resource(file));
      assertThat(suppressed(HELLO_FROM_A_FILE, doc)).as(file).containsExactly("GHSA-xvch-5gv4-984h");
      // by the index the manifest was reached through, too
      assertThat(suppressed(VexSubject.image(ZERO, List.of(HELLO), null), doc)).as(file).containsExactly("GHSA-xvch-5gv4-984h");
      // an SBOM is not the image, whatever it lists
      assertThat(suppressed(VexSubject.PACKAGES_ONLY, doc)).as(file).isEmpty();
      assertThat(suppressed(VexSubject.image(INDEX, List.of(), null), doc)).as(file).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      pkg:oci/hello@sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5 | file    | true
      pkg:oci/hello@sha256%3A5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5 | file | true
      pkg:oci/anything@sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5 | file | true
      pkg:oci/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000 | registry | false
      pkg:oci/hello@1.0                                                                         | registry | false
      pkg:oci/hello                                                                             | file     | false
      pkg:oci/hello                                                                             | registry | true
      pkg:oci/HELLO                                                                             | registry | true
      pkg:oci/other-app                                                                         | registry | false
      pkg:oci/hello?repository_url=ghcr.io/acme/hello                                           | registry | true
      pkg:oci/hello?repository_url=https://ghcr.io/acme/hello                                   | registry | true
      pkg:oci/hello?repository_url=ghcr.io/evil/hello                                           | registry | false
      pkg:oci/hello?repository_url=docker.io/library/hello                                      | registry | false
      pkg:oci/hello?tag=1.0                                                                     | registry | true
      pkg:oci/hello?tag=2.0                                                                     | registry | false
      pkg:npm/minimist@1.2.0                                                                    | file     | false
      """)
  void anImageProductNamesTheImageByDigestOrByItsRegistryRepository(String product, String source, boolean applies) {
    VexSubject subject = source.equals("file") ? HELLO_FROM_A_FILE : VexSubject.image(HELLO, List.of(), ImageRef.parse("ghcr.io/acme/hello:1.0"));
    VexProduct scoped = new VexProduct(Purl.parse(product).orElseThrow(), List.of(Purl.parse("pkg:npm/minimist").orElseThrow()));
    assertThat(scoped.covers(Purl.parse(MINIMIST.purl()).orElseThrow(), subject)).isEqualTo(applies);
    assertThat(scoped.covers(Purl.parse(LODASH.purl()).orElseThrow(), subject)).isFalse();
  }

  @ParameterizedTest(name = "{0} with subcomponents [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      pkg:npm/minimist@1.2.0                                                                    |                        | true
      pkg:npm/minimist                                                                          |                        | true
      pkg:NPM/Minimist@1.2.0?arch=x86#lib                                                       |                        | true
      pkg:npm/minimist@1.2.1                                                                    |                        | false
      pkg:pypi/minimist@1.2.0                                                                   |                        | false
      pkg:npm/acme/minimist@1.2.0                                                               |                        | false
      pkg:npm/other-app@1.0.0                                                                   | pkg:npm/minimist@1.2.0 | false
      pkg:npm/minimist@1.2.0                                                                    | pkg:npm/minimist@1.2.0 | false
      pkg:oci/hello@sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5    |                        | true
      pkg:oci/hello@sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5    | pkg:npm/minimist@1.2.1 | false
      pkg:oci/hello@sha256:5b3adb88906957506e89b8b0e5007e3681b9d5bc9432bbfbff95d77a7e7bb2d5    | pkg:npm/minimist       | true
      """)
  void aPackageProductAppliesToThatPackageWhereverItIsButNotThroughSubcomponents(String product, String subcomponent, boolean applies) {
    List<Purl> subs = subcomponent == null ? List.of() : List.of(Purl.parse(subcomponent).orElseThrow());
    VexProduct p = new VexProduct(Purl.parse(product).orElseThrow(), subs);
    assertThat(p.covers(Purl.parse(MINIMIST.purl()).orElseThrow(), HELLO_FROM_A_FILE)).isEqualTo(applies);
    if (!product.startsWith("pkg:oci")) {
      assertThat(p.covers(Purl.parse(MINIMIST.purl()).orElseThrow(), VexSubject.PACKAGES_ONLY)).isEqualTo(applies);
    }
  }

  // item 3: the latest statement wins

  @Test
  void aLaterAffectedStatementOverridesAnEarlierNotAffected() throws Exception {
    assertThat(suppressed(HELLO_FROM_A_FILE, VexReader.read(resource("openvex-superseded-by-later-statement.json")))).isEmpty();
  }

  @Test
  void aLaterVersionOfTheSameDocumentReplacesTheEarlierWhatEverItsTimestamp() throws Exception {
    VexDocument v1 = VexReader.read(resource("openvex-document-version-1.json"));
    VexDocument v2 = VexReader.read(resource("openvex-document-version-2.json"));
    assertThat(suppressed(HELLO_FROM_A_FILE, v1)).containsExactly("GHSA-xvch-5gv4-984h");
    assertThat(suppressed(HELLO_FROM_A_FILE, v1, v2)).isEmpty();
    assertThat(suppressed(HELLO_FROM_A_FILE, v2, v1)).isEmpty();
  }

  private static final String PRODUCT = "pkg:oci/hello@" + HELLO;

  /** One OpenVEX document per statement, each its own {@code @id}. */
  private VexDocument openVex(String name, String status, String statementTime, String documentTime, String vulnerability) throws IOException {
    Path file = tmp.resolve(name + ".json");
    Files.writeString(file, """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://hello.example/vex/%s", "version": 1 %s,
         "statements": [{"vulnerability": {"name": "%s"}, "status": "%s" %s,
           "products": [{"@id": "%s", "subcomponents": [{"@id": "pkg:npm/minimist@1.2.0"}]}]}]}
        """.formatted(name, documentTime.isEmpty() ? "" : ", \"timestamp\": \"" + documentTime + "\"", vulnerability, status,
        statementTime.isEmpty() ? "" : ", \"timestamp\": \"" + statementTime + "\"", PRODUCT));
    return VexReader.read(file);
  }

  @ParameterizedTest(name = "{0} at [{1}|{2}] then {3} at [{4}|{5}]: suppressed {6}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
      not_affected | 2026-10-01T00:00:00Z      | -                    | affected            | 2026-11-01T00:00:00Z | -                    | false
      affected     | 2026-10-01T00:00:00Z      | -                    | not_affected        | 2026-11-01T00:00:00Z | -                    | true
      not_affected | 2026-10-01T00:00:00Z      | -                    | under_investigation | 2026-11-01T00:00:00Z | -                    | false
      not_affected | 2026-10-01T00:00:00Z      | -                    | fixed               | 2026-11-01T00:00:00Z | -                    | false
      fixed        | 2026-10-01T00:00:00Z      | -                    | not_affected        | 2026-11-01T00:00:00Z | -                    | true
      not_affected | 2026-11-01T00:00:00Z      | -                    | affected            | 2026-11-01T00:00:00Z | -                    | false
      not_affected | 2026-11-01T02:00:00+02:00 | -                    | affected            | 2026-11-01T00:00:00Z | -                    | false
      not_affected | 2026-11-01T00:00:00Z      | -                    | affected            | -                    | -                    | false
      not_affected | -                         | -                    | affected            | 2026-10-01T00:00:00Z | -                    | false
      not_affected | -                         | 2026-10-01T00:00:00Z | affected            | -                    | 2026-11-01T00:00:00Z | false
      affected     | -                         | 2026-10-01T00:00:00Z | not_affected        | -                    | 2026-11-01T00:00:00Z | true
      affected     | 2026-12-01T00:00:00Z      | 2026-10-01T00:00:00Z | not_affected        | -                    | 2026-11-01T00:00:00Z | false
      not_affected | 2026-10-01T00:00:00Z      | -                    | not_affected        | 2026-11-01T00:00:00Z | -                    | true
      """)
  void theLatestStatementAboutAFindingWinsAndATieKeepsItShown(String first, String firstTime, String firstDoc, String second, String secondTime,
      String secondDoc, boolean suppressed) throws IOException {
    VexDocument a = openVex("a", first, nullToEmpty(firstTime), nullToEmpty(firstDoc), "CVE-2021-44906");
    VexDocument b = openVex("b", second, nullToEmpty(secondTime), nullToEmpty(secondDoc), "GHSA-xvch-5gv4-984h");
    List<String> expected = suppressed ? List.of("GHSA-xvch-5gv4-984h") : List.of();
    assertThat(suppressed(HELLO_FROM_A_FILE, a, b)).isEqualTo(expected);
    assertThat(suppressed(HELLO_FROM_A_FILE, b, a)).isEqualTo(expected);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  @Test
  void aLaterStatementOnlyOverridesWhereItApplies() throws IOException {
    VexDocument notAffected = openVex("a", "not_affected", "2026-10-01T00:00:00Z", "", "CVE-2021-44906");
    Path other = tmp.resolve("other.json");
    // a later affected statement about another image does not reach this one
    Files.writeString(other, Files.readString(tmp.resolve("a.json")).replace("/vex/a", "/vex/other").replace(HELLO.toString(), ZERO.toString())
        .replace("not_affected", "affected").replace("2026-10-01", "2026-11-01"));
    assertThat(suppressed(HELLO_FROM_A_FILE, notAffected, VexReader.read(other))).containsExactly("GHSA-xvch-5gv4-984h");
  }

  @Test
  void theReportSaysWhichStatementSuppressed() throws Exception {
    NoiseControl noise = new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(VexReader.read(resource("openvex-this-image.json"))), TODAY);
    assertThat(noise.apply(List.of(PROTOTYPE_POLLUTION), HELLO_FROM_A_FILE).suppressed()).singleElement().extracting(Suppression::reason)
        .isEqualTo("not affected (VEX openvex-this-image.json): vulnerable_code_not_in_execute_path");
  }

  // documents that cannot be read whole are refused whole, in one line

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      unknown status     | {"statements": [{"vulnerability": "CVE-1", "status": "not_afected", "products": ["pkg:npm/a"]}]}                   | statement 1 has status 'not_afected', not one of not_affected, affected, fixed, under_investigation
      no vulnerability   | {"statements": [{"status": "not_affected", "products": ["pkg:npm/a"]}]}                                              | statement 1 names no vulnerability
      bad time           | {"statements": [{"vulnerability": "CVE-1", "status": "affected", "timestamp": "yesterday"}]}                        | statement 1: timestamp 'yesterday' is not an RFC 3339 date and time
      bad document time  | {"timestamp": "2026-13-01T00:00:00Z", "statements": []}                                                              | document: timestamp '2026-13-01T00:00:00Z' is not an RFC 3339 date and time
      statements object  | {"statements": {"vulnerability": "CVE-1"}}                                                                           | 'statements' is not a list
      bad version        | {"version": "two", "statements": []}                                                                                 | version 'two' is not a whole number
      duplicate status   | {"statements": [{"vulnerability": "CVE-1", "status": "affected", "status": "not_affected", "products": ["pkg:npm/a"]}]} | not JSON (Duplicate field 'status'
      unknown CDX state  | {"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "fine"}}]}                     | vulnerabilities[0] has analysis state 'fine', not one of
      misspelled limit   | {"statements": [{"vulnerability": "CVE-1", "status": "not_affected", "products": [{"@id": "pkg:oci/x", "subcomponets": ["pkg:npm/a"]}]}]} | statement 1 product has an unknown field 'subcomponets'
      misspelled product | {"bomFormat": "CycloneDX", "metadata": {"componnet": {"purl": "pkg:oci/x"}}, "vulnerabilities": []}          | metadata has an unknown field 'componnet'
      neither            | {"vulnerabilities": []}                                                                                              | neither OpenVEX (statements) nor CycloneDX (bomFormat)
      """)
  void aMalformedDocumentIsRefusedInOneLine(String what, String json, String message) throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.json"), json);
    assertThatThrownBy(() -> VexReader.read(file)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("read VEX document " + file + ": " + message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest(name = "subcomponents: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      "pkg:npm/minimist@1.2.0"
      []
      [42]
      [{"@id": "minimist"}]
      [[{"@id": "pkg:npm/minimist@1.2.0"}]]
      null
      {"@id": "pkg:npm/minimist@1.2.0"}
      """)
  void subcomponentsThatAreGivenButUnreadableLimitTheProductToNothingNotToEverything(String subcomponents) throws IOException {
    Path file = Files.writeString(tmp.resolve("spoiled.json"), """
        {"statements": [{"vulnerability": "CVE-2020-8203", "status": "not_affected",
          "products": [{"@id": "%s", "subcomponents": %s}]}]}
        """.formatted(PRODUCT, subcomponents));
    assertThat(suppressed(HELLO_FROM_A_FILE, VexReader.read(file))).isEmpty();
  }

  @ParameterizedTest(name = "metadata.component: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"bom-ref": "hello"}
      {"bom-ref": "hello", "purl": "pkg:oci/"}
      {"bom-ref": "hello", "purl": 42}
      null
      []
      """)
  void aCycloneDxProductThatIsGivenButUnreadableScopesItsStatementsToNothing(String component) throws IOException {
    Path file = Files.writeString(tmp.resolve("spoiled.json"), """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": %s},
         "components": [{"bom-ref": "lodash", "purl": "pkg:npm/lodash@4.17.15"}],
         "vulnerabilities": [{"id": "CVE-2020-8203", "analysis": {"state": "not_affected"}, "affects": [{"ref": "lodash"}]}]}
        """.formatted(component));
    assertThat(suppressed(HELLO_FROM_A_FILE, VexReader.read(file))).isEmpty();
    assertThat(suppressed(VexSubject.PACKAGES_ONLY, VexReader.read(file))).isEmpty();
    // without metadata.component the same statement is about the package, wherever it is
    Files.writeString(file, Files.readString(file).replace("\"metadata\": {\"component\": " + component + "},", ""));
    assertThat(suppressed(VexSubject.PACKAGES_ONLY, VexReader.read(file))).containsExactly("GHSA-p6mc-m468-83gw");
  }

  @Test
  void productsThatAreNotPackageUrlsApplyToNothing() throws IOException {
    Path file = Files.writeString(tmp.resolve("odd.json"), """
        {"statements": [{"vulnerability": "CVE-2021-44906", "status": "not_affected",
          "products": ["cpe:2.3:a:minimist:minimist:1.2.0", {"@id": "pkg:"}, {"@id": "pkg:npm"}, {"identifiers": {"cpe23": "x"}}, 42, null]}]}
        """);
    VexDocument doc = VexReader.read(file);
    assertThat(doc.statements()).singleElement().satisfies(s -> assertThat(s.products()).isEmpty());
    assertThat(suppressed(HELLO_FROM_A_FILE, doc)).isEmpty();
  }

  @Test
  void aPackageStatementStillAppliesToAnSbom() throws IOException {
    Path file = Files.writeString(tmp.resolve("pkg.json"), """
        {"statements": [{"vulnerability": "CVE-2021-44906", "status": "not_affected", "products": [{"identifiers": {"purl": "pkg:npm/minimist@1.2.0"}}]}]}
        """);
    assertThat(suppressed(VexSubject.PACKAGES_ONLY, VexReader.read(file))).containsExactly("GHSA-xvch-5gv4-984h");
    List<VexDocument> none = new ArrayList<>();
    assertThat(new NoiseControl(Severity.UNKNOWN, false, List.of(), none, TODAY).apply(List.of(PROTOTYPE_POLLUTION)).shown()).hasSize(1);
  }
}
