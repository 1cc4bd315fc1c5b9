package dev.portcullis.catalog.apk;

import static dev.portcullis.catalog.FixtureTrees.layerOf;
import static dev.portcullis.catalog.FixtureTrees.withTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
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

class ApkCatalogerTest {
  @TempDir Path tmp;

  private CatalogResult catalog(LayerBuilder layer) throws IOException {
    return withTree(tmp.resolve("layout"), List.of(layer),
        tree -> new ApkCataloger().catalog(tree, new CatalogContext(OsRelease.detect(tree).orElse(null), tmp, 16L << 20)));
  }

  @Test
  void installedDatabaseWithOriginsAndFiles() throws IOException {
    CatalogResult r = catalog(layerOf(getClass(), "alpine"));

    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name, Package::version, Package::source, Package::purl).containsExactly(
        tuple("busybox", "1.36.1-r29", new SourcePackage("busybox", "1.36.1-r29"), "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3"),
        tuple("libcrypto3", "3.3.2-r0", new SourcePackage("openssl", "3.3.2-r0"), "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"),
        tuple("musl", "1.2.5-r0", new SourcePackage("musl", "1.2.5-r0"), "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"),
        tuple("ssl_client", "1.36.1-r29", new SourcePackage("busybox", "1.36.1-r29"), "pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3"));
    assertThat(r.packages()).allSatisfy(p -> {
      assertThat(p.foundBy()).isEqualTo("apk-db-cataloger");
      assertThat(p.location().path()).isEqualTo("/lib/apk/db/installed");
      assertThat(p.metadata()).containsEntry("architecture", "x86_64");
    });
    assertThat(r.ownedFiles()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "/lib/ld-musl-x86_64.so.1", "musl",
        "/lib/libc.musl-x86_64.so.1", "musl",
        "/bin/busybox", "busybox",
        "/etc/securetty", "busybox",
        "/usr/bin/ssl_client", "ssl_client",
        "/usr/lib/libcrypto.so.3", "libcrypto3"));
  }

  @Test
  void malformedBlocksBecomeUnknownsAndTheRestIsStillRead() throws IOException {
    CatalogResult r = catalog(layerOf(getClass(), "malformed"));

    assertThat(r.packages()).extracting(Package::name, Package::source).containsExactly(
        tuple("alpine-baselayout-data", new SourcePackage("alpine-baselayout", "3.6.5-r0")),
        tuple("scanelf", new SourcePackage("pax-utils", "1.3.7-r2")));
    assertThat(r.packages().get(0).purl()).as("no distro known: no distro qualifier").isEqualTo("pkg:apk/alpine/alpine-baselayout-data@3.6.5-r0?arch=x86_64");
    assertThat(r.unknowns()).extracting(Unknown::reason).containsExactly(
        "block at line 8: package no-version: no V: (version)",
        "block at line 12: line 14 is not 'K:value': 'this is not a key-value line'");
    assertThat(r.ownedFiles()).containsOnlyKeys("/etc/hosts", "/usr/bin/scanelf");
  }

  @Test
  void noApkDatabaseNoPackages() throws IOException {
    assertThat(catalog(new LayerBuilder().file("etc/alpine-release", "3.20.3\n"))).isEqualTo(CatalogResult.EMPTY);
  }
}
