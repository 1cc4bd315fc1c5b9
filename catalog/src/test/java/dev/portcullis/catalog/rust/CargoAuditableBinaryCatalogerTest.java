package dev.portcullis.catalog.rust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.ElfFixtures;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CargoAuditableBinaryCatalogerTest {
  /** As cargo-auditable writes it: defaults (kind runtime, root false) left out, dependencies by index. */
  static final String DEPENDENCIES = """
      {"packages":[\
      {"name":"cfg-if","version":"1.0.0","source":"crates.io"},\
      {"name":"proc-macro2","version":"1.0.79","source":"crates.io","kind":"build"},\
      {"name":"rustls","version":"0.21.10","source":"git","dependencies":[0]},\
      {"name":"web-app","version":"0.3.0","source":"local","dependencies":[0,1,2],"root":true}]}""";

  @TempDir Path tmp;

  static byte[] zlib(byte[] data) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION))) {
      z.write(data);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] audited(String json) {
    return ElfFixtures.elf(zlib(json.getBytes(StandardCharsets.UTF_8)), ".dep-v0", true);
  }

  @Test
  void everyPackageOfTheBuildWithSourceKindAndRoot() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new CargoAuditableBinaryCataloger(), new LayerBuilder().file("usr/local/bin/web-app", audited(DEPENDENCIES), 0755), tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.purl() + " " + new java.util.TreeMap<>(p.metadata())).containsExactly(
        "pkg:cargo/cfg-if@1.0.0 {kind=runtime, source=crates.io}",
        "pkg:cargo/proc-macro2@1.0.79 {kind=build, source=crates.io}",
        "pkg:cargo/rustls@0.21.10 {kind=runtime, source=git}",
        "pkg:cargo/web-app@0.3.0 {kind=runtime, root=true, source=local}");
    assertThat(r.packages()).allSatisfy(p -> {
      assertThat(p.location().path()).isEqualTo("/usr/local/bin/web-app");
      assertThat(p.foundBy()).isEqualTo("cargo-auditable-binary-cataloger");
    });
  }

  @Test
  void executablesWithoutTheSectionAndOtherFilesAreSkipped() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new CargoAuditableBinaryCataloger(), new LayerBuilder()
        .file("bin/plain", ElfFixtures.elf(new byte[64], ".data", true), 0755)
        .file("bin/no-section-headers", ElfFixtures.elf(zlib(DEPENDENCIES.getBytes(StandardCharsets.UTF_8)), ".dep-v0", false), 0755)
        .file("lib/not-executable", audited(DEPENDENCIES), 0644), tmp);
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).isEmpty();
  }

  @Test
  void malformedSectionsAreUnknowns() throws IOException {
    byte[] bomb = new byte[CargoAuditableBinaryCataloger.MAX_JSON + 1];
    java.util.Arrays.fill(bomb, (byte) ' ');
    byte[] truncated = zlib(DEPENDENCIES.getBytes(StandardCharsets.UTF_8));
    truncated = java.util.Arrays.copyOf(truncated, truncated.length / 2);
    CatalogResult r = FixtureTrees.catalog(new CargoAuditableBinaryCataloger(), new LayerBuilder()
        .file("a/not-zlib", ElfFixtures.elf(DEPENDENCIES.getBytes(StandardCharsets.UTF_8), ".dep-v0", true), 0755)
        .file("b/zlib-bomb", ElfFixtures.elf(zlib(bomb), ".dep-v0", true), 0755)
        .file("c/truncated-zlib", ElfFixtures.elf(truncated, ".dep-v0", true), 0755)
        .file("d/no-packages-array", audited("{\"format\":1}"), 0755)
        .file("e/package-without-version", audited("{\"packages\":[{\"name\":\"serde\",\"source\":\"crates.io\"}]}"), 0755), tmp);
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).containsExactly(
        "/a/not-zlib: section .dep-v0 is not zlib data: incorrect header check",
        "/b/zlib-bomb: section .dep-v0 inflates to more than 8388608 bytes",
        "/c/truncated-zlib: section .dep-v0: zlib stream ends before its end marker",
        "/d/no-packages-array: section .dep-v0 holds no \"packages\" array",
        "/e/package-without-version: section .dep-v0: package 0 has no name or version");
  }
}
