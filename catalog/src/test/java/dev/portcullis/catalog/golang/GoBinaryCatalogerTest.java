package dev.portcullis.catalog.golang;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.ElfFixtures;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoBinaryCatalogerTest {
  private static final String MODINFO = """
      path\texample.com/app/cmd/app
      mod\texample.com/app\t(devel)\t
      dep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=
      dep\tgolang.org/x/text\tv0.3.0
      =>\tgithub.com/fork/text\tv0.3.1\th1:fork=
      dep\texample.com/local\tv1.0.0
      =>\t../local\t\t
      build\t-compiler=gc
      build\tGOOS=linux
      build\t-ldflags="-s -w"
      """;

  @TempDir Path tmp;

  private CatalogResult catalog(LayerBuilder layer) throws IOException {
    Path dir = tmp.resolve("l" + System.nanoTime());
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1000));
      // a memory threshold of 0 sends every executable through a temporary file
      return new GoBinaryCataloger().catalog(tree, new CatalogContext(null, tmp, 0));
    }
  }

  private static List<String> purls(CatalogResult r) {
    return r.packages().stream().map(Package::purl).toList();
  }

  @Test
  void modulesReplacementsMainModuleAndStdlib() throws IOException {
    byte[] elf = ElfFixtures.elf(GoElf.buildInfo("go1.22.5 X:boringcrypto", MODINFO, 2), ".go.buildinfo", true);
    CatalogResult r = catalog(new LayerBuilder().file("usr/bin/app", elf, 0755));
    assertThat(r.unknowns()).isEmpty();
    assertThat(purls(r)).containsExactly(
        "pkg:golang/example.com/app",
        "pkg:golang/example.com/local",
        "pkg:golang/github.com/fork/text@v0.3.1",
        "pkg:golang/github.com/google/uuid@v1.6.0",
        "pkg:golang/stdlib@v1.22.5");
    Package main = r.packages().get(0);
    assertThat(main.version()).isEqualTo("(devel)");
    assertThat(main.metadata()).containsEntry("mainModule", "true").containsEntry("devel", "true")
        .containsEntry("mainPackage", "example.com/app/cmd/app").containsEntry("build.GOOS", "linux")
        .containsEntry("build.-ldflags", "-s -w").containsEntry("goVersion", "go1.22.5");
    Package fork = r.packages().get(2);
    assertThat(fork.metadata()).containsEntry("replaces", "golang.org/x/text@v0.3.0").containsEntry("sum", "h1:fork=");
    Package local = r.packages().get(1);
    assertThat(local.version()).isEqualTo("(devel)");
    assertThat(local.metadata()).containsEntry("replacedByDirectory", "../local");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/usr/bin/app"));
  }

  @Test
  void develMainModuleTakesTheVersionTheLdflagsStamped() throws IOException {
    String stamped = MODINFO.replace("build\t-ldflags=\"-s -w\"", "build\t-ldflags=\"-s -w -X main.commit=0a1b2c -X main.version=1.2.3\"");
    CatalogResult r = catalog(new LayerBuilder().file("usr/bin/app", ElfFixtures.elf(GoElf.buildInfo("go1.22.5", stamped, 2), ".go.buildinfo", true), 0755));
    Package main = r.packages().get(0);
    assertThat(main.purl()).isEqualTo("pkg:golang/example.com/app@v1.2.3");
    assertThat(main.version()).isEqualTo("v1.2.3");
    assertThat(main.metadata()).containsEntry("versionFrom", "ldflags").containsEntry("versionSymbol", "main.version").doesNotContainKey("devel");
  }

  @Test
  void strippedOfSectionHeadersTheMagicIsFoundByScanning() throws IOException {
    byte[] elf = ElfFixtures.elf(GoElf.buildInfo("go1.19.8", MODINFO, 2), ".go.buildinfo", false);
    assertThat(purls(catalog(new LayerBuilder().file("app", elf, 0755)))).hasSize(5).contains("pkg:golang/stdlib@v1.19.8");
  }

  @Test
  void otherFilesAreSkippedWithoutUnknowns() throws IOException {
    byte[] goElf = ElfFixtures.elf(GoElf.buildInfo("go1.19.8", MODINFO, 2), ".go.buildinfo", true);
    CatalogResult r = catalog(new LayerBuilder()
        .file("bin/c-program", ElfFixtures.elf(new byte[64], ".data", true), 0755)
        .file("bin/script", ("#!/bin/sh\n" + "echo hello world, this is long enough to be looked at\n".repeat(3)).getBytes(StandardCharsets.UTF_8), 0755)
        .file("lib/not-executable", goElf, 0644));
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).isEmpty();
  }

  @Test
  void unreadableBuildInfoIsAnUnknown() throws IOException {
    byte[] preGo118 = ElfFixtures.elf(GoElf.buildInfo("go1.16", MODINFO, 0), ".go.buildinfo", true);
    byte[] noSentinels = GoElf.buildInfo("go1.19.8", "", 2);
    noSentinels = java.util.Arrays.copyOf(noSentinels, noSentinels.length - 1);
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(noSentinels);
    GoElf.writeString(b, "path\tx\nmod\tx\t(devel)\t\n".getBytes(StandardCharsets.UTF_8));
    byte[] truncated = GoElf.buildInfo("go1.19.8", MODINFO, 2);
    truncated = java.util.Arrays.copyOf(truncated, truncated.length - 40);
    byte[] badLine = GoElf.buildInfo("go1.19.8", "path\tx\nfoo\tbar\n", 2);
    CatalogResult r = catalog(new LayerBuilder()
        .file("a/pre-go1.18", preGo118, 0755)
        .file("b/no-sentinels", ElfFixtures.elf(b.toByteArray(), ".go.buildinfo", true), 0755)
        .file("c/truncated", ElfFixtures.elf(truncated, ".go.buildinfo", true), 0755)
        .file("d/bad-line", ElfFixtures.elf(badLine, ".go.buildinfo", true), 0755));
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).containsExactly(
        "/a/pre-go1.18: Go build info in the pointer format of Go before 1.18 is not read",
        "/b/no-sentinels: module info is not framed by its 16-byte sentinels",
        "/c/truncated: build info strings run past the section: string of " + (MODINFO.length() + 32) + " bytes at " + (ElfFixtures.DATA_OFFSET + 32 + 1 + "go1.19.8".length() + 2),
        "/d/bad-line: module info: line 2: unknown line kind 'foo'");
  }

  @ParameterizedTest
  @CsvSource({"go1.19.8, v1.19.8", "go1.20, v1.20.0", "go1.21rc2, v1.21.0-rc.2", "go1.9beta1, v1.9.0-beta.1", "'devel go1.23-abc', ''"})
  void stdlibVersionFromTheToolchain(String go, String expected) {
    assertThat(GoBinaryCataloger.stdlibVersion(go)).isEqualTo(expected == null ? "" : expected);
  }
}
