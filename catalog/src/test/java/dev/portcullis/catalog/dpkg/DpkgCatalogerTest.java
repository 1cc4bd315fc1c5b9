package dev.portcullis.catalog.dpkg;

import static dev.portcullis.catalog.FixtureTrees.layerOf;
import static dev.portcullis.catalog.FixtureTrees.withTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.OsRelease;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Package;
import dev.portcullis.core.Package.SourcePackage;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgCatalogerTest {
  @TempDir Path tmp;

  private CatalogResult catalog(List<LayerBuilder> layers) throws IOException {
    return withTree(tmp.resolve("layout"), layers,
        tree -> new DpkgCataloger().catalog(tree, new CatalogContext(OsRelease.detect(tree).orElse(null), tmp, 16L << 20)));
  }

  @Test
  void distrolessStatusDHasOnePackagePerFileAndMd5sumsAreFileLists() throws IOException {
    CatalogResult r = catalog(List.of(layerOf(getClass(), "distroless")));

    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name, Package::version, Package::purl, Package::source)
        .containsExactly(
            tuple("base-files", "12.4+deb12u7", "pkg:deb/debian/base-files@12.4%2Bdeb12u7?arch=amd64&distro=debian-12",
                new SourcePackage("base-files", "12.4+deb12u7")),
            tuple("libc6", "2.36-9+deb12u7", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
                new SourcePackage("glibc", "2.36-9+deb12u7")));
    Package libc = r.packages().get(1);
    assertThat(libc.location().path()).isEqualTo("/var/lib/dpkg/status.d/libc6");
    assertThat(libc.location().layerIndex()).isZero();
    assertThat(libc.foundBy()).isEqualTo("dpkg-db-cataloger");
    assertThat(libc.namespace()).isEqualTo("debian");
    assertThat(libc.metadata()).containsEntry("architecture", "amd64");
    assertThat(r.ownedFiles()).containsEntry("/usr/lib/x86_64-linux-gnu/libc.so.6", "libc6")
        .containsEntry("/lib64/ld-linux-x86-64.so.2", "libc6").containsEntry("/usr/lib/os-release", "base-files").hasSize(5);
  }

  @Test
  void statusKeepsInstalledPackagesOnlyWithEpochsSourceVersionsAndMultiArchLists() throws IOException {
    CatalogResult r = catalog(List.of(layerOf(getClass(), "status")));

    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name, Package::version, p -> p.metadata().get("architecture"), Package::source)
        .containsExactly(
            tuple("bsdutils", "1:2.37.2-4ubuntu3.4", "amd64", new SourcePackage("util-linux", "2.37.2-4ubuntu3.4")),
            tuple("libc6", "2.35-0ubuntu3.8", "amd64", new SourcePackage("glibc", "2.35-0ubuntu3.8")),
            tuple("libc6", "2.35-0ubuntu3.8", "i386", new SourcePackage("glibc", "2.35-0ubuntu3.8")),
            tuple("tzdata", "2024a-0ubuntu0.22.04.1", "all", new SourcePackage("tzdata", "2024a-0ubuntu0.22.04.1")));
    // packageurl-java percent-encodes the epoch colon; it decodes back to the version as written; the source's own version
    // (no epoch) differs from the binary's, so upstream names it too
    assertThat(r.packages().get(0).purl())
        .isEqualTo("pkg:deb/ubuntu/bsdutils@1%3A2.37.2-4ubuntu3.4?arch=amd64&distro=ubuntu-22.04&upstream=util-linux%402.37.2-4ubuntu3.4");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("tzdata")).singleElement()
        .satisfies(p -> assertThat(p.purl()).as("its own source").doesNotContain("upstream"));
    assertThat(r.packages()).allSatisfy(p -> {
      assertThat(p.namespace()).isEqualTo("ubuntu");
      assertThat(p.location().path()).isEqualTo("/var/lib/dpkg/status");
    });
    assertThat(r.ownedFiles())
        .containsEntry("/usr/bin/logger", "bsdutils")
        .containsEntry("/usr/lib/x86_64-linux-gnu/libc.so.6", "libc6")
        .containsEntry("/usr/lib/i386-linux-gnu/libc.so.6", "libc6")
        .containsEntry("/usr/share/zoneinfo/UTC", "tzdata")
        .containsEntry("/usr", "bsdutils") // a shared directory goes to the first package by name, every run
        .doesNotContainKeys("/etc/old.conf", "/.");
  }

  @Test
  void malformedStanzasBecomeUnknownsAndTheRestIsStillRead() throws IOException {
    CatalogResult r = catalog(List.of(layerOf(getClass(), "malformed")));

    assertThat(r.packages()).extracting(Package::name, Package::version).containsExactly(
        tuple("mawk", "1.3.4.20200120-3.1"), tuple("zlib1g", "1:1.2.13.dfsg-1"));
    assertThat(r.unknowns()).extracting(Unknown::reason).containsExactly(
        "stanza at line 9: line 11 is neither a field nor a continuation: 'this line has no colon at all'",
        "stanza at line 14: line 14 continues a field, but no field came before it",
        "stanza at line 18: package no-version: no Version field",
        "stanza at line 22: package bad-status: Status 'installed' is not 'want flag status'");
    assertThat(r.unknowns()).allSatisfy(u -> {
      assertThat(u.cataloger()).isEqualTo("dpkg-db-cataloger");
      assertThat(u.location().path()).isEqualTo("/var/lib/dpkg/status");
    });
  }

  @Test
  void theLocationIsTheLayerThatLastWroteTheStatusFile() throws IOException {
    String one = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n";
    String two = one + "\nPackage: b\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n";
    CatalogResult r = catalog(List.of(new LayerBuilder().file("var/lib/dpkg/status", one), new LayerBuilder().file("etc/x", "x"),
        new LayerBuilder().file("var/lib/dpkg/status", two)));

    assertThat(r.packages()).extracting(Package::name, p -> p.location().layerIndex()).containsExactly(tuple("a", 2), tuple("b", 2));
    assertThat(r.packages().get(0).purl()).isEqualTo("pkg:deb/debian/a@1?arch=all");
  }

  @Test
  void noDpkgDatabaseNoPackages() throws IOException {
    assertThat(catalog(List.of(new LayerBuilder().file("var/lib/dpkg/info/x.list", "/x\n")))).isEqualTo(CatalogResult.EMPTY);
  }

  @Test
  void isABuiltInAndOwnsFilesInTheCatalog() throws IOException {
    assertThat(Catalogers.defaults()).extracting(c -> c.name()).contains("dpkg-db-cataloger", "apk-db-cataloger");
    Catalog c = withTree(tmp.resolve("c"), List.of(layerOf(getClass(), "distroless")), tree -> Catalog.of(tree, Catalogers.defaults(), tmp));
    assertThat(c.packages()).extracting(Package::name).containsExactly("base-files", "libc6");
    assertThat(c.unknowns()).isEmpty();
  }
}
