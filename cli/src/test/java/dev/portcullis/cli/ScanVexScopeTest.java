package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan --vex} on the bundled example: a statement suppresses only within its product's scope (issue 19, items 2 and 3). */
class ScanVexScopeTest {
  static final Path ROOT = Path.of(System.getProperty("portcullis.root", ".."));
  static final Path EXAMPLE = ROOT.resolve("examples/hello/image");

  @TempDir static Path tmp;
  static Path db;

  static CliRun run(String... args) {
    boolean readsImages = args[0].equals("scan") || args[0].equals("sbom");
    String[] all = readsImages ? CliRun.withCache(tmp.resolve("cache"), args) : args;
    return CliRun.of(all);
  }

  static String vex(String name) throws URISyntaxException {
    return Path.of(ScanVexScopeTest.class.getResource("vex/" + name).toURI()).toString();
  }

  @BeforeAll
  static void database() {
    db = tmp.resolve("db");
    CliRun imported = run("db", "import", "--db", db.toString(), EXAMPLE.resolveSibling("advisories").toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
  }

  private static CliRun scan(String source, String... vex) {
    Stream<String> args = Stream.of("scan", "--quiet", "--db", db.toString(), "--scanners", "vuln", "--fail-on", "critical", "--format", "json");
    for (String v : vex) {
      args = Stream.concat(args, Stream.of("--vex", v));
    }
    return run(Stream.concat(args, Stream.of(source)).toArray(String[]::new));
  }

  @Test
  void aStatementAboutAnotherImageLeavesTheGateClosed() throws Exception {
    CliRun r = scan("oci-dir:" + EXAMPLE, vex("other-product.json"));
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).contains("GHSA-xvch-5gv4-984h").doesNotContain("not affected (VEX");
  }

  @Test
  void theSameStatementAboutThisImageOpensIt() throws Exception {
    CliRun r = scan("oci-dir:" + EXAMPLE, vex("this-image.json"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("not affected (VEX this-image.json): vulnerable_code_not_in_execute_path");
  }

  @Test
  void aLaterAffectedStatementKeepsItClosed() throws Exception {
    assertThat(scan("oci-dir:" + EXAMPLE, vex("this-image.json"), vex("this-image-affected-later.json")).exit()).isEqualTo(1);
  }

  @Test
  void anSbomIsNotTheImageButAPackageStatementStillApplies() throws Exception {
    CliRun sbom = run("sbom", "--format", "cyclonedx-json", EXAMPLE.toString());
    assertThat(sbom.exit()).as(sbom.err()).isZero();
    Path file = Files.writeString(tmp.resolve("hello.cdx.json"), sbom.out());
    assertThat(scan("sbom:" + file, vex("this-image.json")).exit()).isEqualTo(1);
    assertThat(scan("sbom:" + file, vex("minimist-package.json")).exit()).isZero();
    assertThat(scan("oci-dir:" + EXAMPLE, vex("minimist-package.json")).exit()).isZero();
  }

  @Test
  void aMalformedDocumentStopsTheScanInOneLine() throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"statements\": [{\"vulnerability\": \"CVE-2021-44906\", \"status\": \"not-affected\"}]}");
    CliRun r = scan("oci-dir:" + EXAMPLE, bad.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).startsWith("portcullis: read VEX document " + bad + ": statement 1 has status 'not-affected'").hasLineCount(1);
  }
}
