package dev.portcullis.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Finding;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutated VEX documents (OpenVEX and CycloneDX) are read or refused in one line, and never suppress a
 * finding outside what they could still speak of: the lodash finding, which no base document names,
 * never; the same vulnerability in a fork of minimist, which is not the subcomponent, never; anything
 * in an image other than the product, never.
 */
class VexFuzzTest {
  private static final String[] OTHER_PRODUCT = {"openvex-other-product.json", "cyclonedx-other-product.json"};
  private static final String[] THIS_IMAGE = {"openvex-this-image.json", "cyclonedx-this-image.json", "openvex-superseded-by-later-statement.json"};
  private static final VexSubject HELLO_FROM_A_REGISTRY = VexSubject.image(VexTest.HELLO, List.of(), ImageRef.parse("ghcr.io/acme/hello:1.0"));
  private static final VexSubject ELSEWHERE =
      VexSubject.image(Digest.sha256("elsewhere".getBytes(StandardCharsets.UTF_8)), List.of(), ImageRef.parse("ghcr.io/acme/elsewhere:1.0"));

  private static final Finding.Vulnerability IN_A_FORK = new Finding.Vulnerability("GHSA-xvch-5gv4-984h", List.of("CVE-2021-44906"),
      new dev.portcullis.core.Package("minimist-fork", "", "1.2.0", dev.portcullis.core.Ecosystem.NPM, "pkg:npm/minimist-fork@1.2.0", "test-cataloger",
          List.of(new dev.portcullis.core.Location("/app/node_modules/minimist-fork/package.json", 1, VexTest.HELLO)), null, null, java.util.Map.of()),
      "1.2.0", "1.2.6", Severity.CRITICAL, 9.8, null, null, null, false, Finding.Vulnerability.Status.FIXED, "a vendored minimist", "npm-matcher", null);

  @TempDir Path tmp;

  static LongStream seeds() {
    return LongStream.range(0, 350).map(i -> 0x19_0002L * 1_000 + i);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aMutatedDocumentIsReadOrRefusedInOneLineAndNeverWidensItsScope(long seed) throws Exception {
    // SplittableRandom mixes neighbouring seeds; java.util.Random's first draws for them are alike
    RandomGenerator random = new SplittableRandom(seed);
    Mutations mutation = Mutations.values()[(int) (seed % Mutations.values().length)];
    boolean other = random.nextBoolean();
    String[] bases = other ? OTHER_PRODUCT : THIS_IMAGE;
    String base = bases[random.nextInt(bases.length)];
    byte[] mutated = mutation.apply(Files.readAllBytes(VexTest.resource(base)), random);
    Path file = Files.write(tmp.resolve("fuzz.json"), mutated);

    VexDocument doc;
    try {
      doc = VexReader.read(file);
    } catch (IOException e) {
      assertThat(e.getMessage()).as(mutation + " of " + base).startsWith("read VEX document " + file + ": ").doesNotContain("\n").doesNotContain("\r");
      return;
    }
    NoiseControl noise = new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(doc), LocalDate.of(2026, 11, 29));
    List<Finding.Vulnerability> findings = List.of(VexTest.PROTOTYPE_POLLUTION, VexTest.LODASH_TEMPLATE_FINDING, IN_A_FORK);
    boolean packageStatement = !noise.apply(findings, VexSubject.PACKAGES_ONLY).suppressed().isEmpty();
    // only a CycloneDX document that lost its metadata.component can come to speak of a package wherever it is
    String text = new String(mutated, StandardCharsets.UTF_8);
    assertThat(packageStatement && base.startsWith("openvex")).as(mutation + " of " + base + ": " + text).isFalse();
    for (VexSubject subject : List.of(VexTest.HELLO_FROM_A_FILE, HELLO_FROM_A_REGISTRY, ELSEWHERE, VexSubject.PACKAGES_ONLY)) {
      List<Suppression> suppressed = noise.apply(findings, subject).suppressed();
      assertThat(suppressed).as(mutation + " of " + base + " in " + subject + ": " + text)
          .noneMatch(s -> s.finding() == VexTest.LODASH_TEMPLATE_FINDING || s.finding() == IN_A_FORK);
      boolean productScoped = other || subject == ELSEWHERE || subject == VexSubject.PACKAGES_ONLY;
      if (productScoped && !packageStatement) {
        assertThat(suppressed).as(mutation + " of " + base + " in " + subject + ": " + text).isEmpty();
      }
    }
  }
}
