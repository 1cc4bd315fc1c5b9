package dev.portcullis.catalog.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.dpkg.DpkgCataloger;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSbomCatalogerTest {
  private static final String FIXTURE = "/dev/portcullis/catalog/sbom/embedded";
  @TempDir Path tmp;

  @Test
  void packagesOfEachShippedDocumentAttributedToItAndEachUnreadableComponentOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new EmbeddedSbomCataloger(), FIXTURE, tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactlyInAnyOrder(
        "pkg:bitnami/postgresql@17.2.0-8?arch=amd64&distro=debian-12 /opt/bitnami/postgresql/.spdx-postgresql.spdx",
        "pkg:bitnami/geos@3.13.0?arch=amd64&distro=debian-12 /opt/bitnami/postgresql/.spdx-postgresql.spdx",
        "pkg:bitnami/proj@6.3.2?arch=amd64&distro=debian-12 /opt/bitnami/postgresql/.spdx-postgresql.spdx",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4.2?type=jar /opt/app/app.cdx.json",
        "pkg:maven/org.yaml/snakeyaml@1.30?type=jar /opt/app/app.cdx.json",
        "pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12 /opt/app/app.cdx.json");
    assertThat(r.packages()).allMatch(p -> p.foundBy().equals(EmbeddedSbomCataloger.NAME) && p.locations().size() == 1);
    assertThat(r.packages()).filteredOn(p -> p.name().equals("jackson-databind")).singleElement()
        .satisfies(p -> assertThat(p.displayName()).isEqualTo("com.fasterxml.jackson.core:jackson-databind"));
    assertThat(r.unknowns()).extracting(u -> u.location().path() + " " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/opt/app/app.cdx.json ").contains("component 'vendored-blob' has no PURL"),
        u -> assertThat(u).startsWith("/opt/bitnami/postgresql/.spdx-postgresql.spdx ").contains("component 'orafce' has no PURL"),
        u -> assertThat(u).startsWith("/opt/bitnami/redis/.spdx-redis.spdx "),
        u -> assertThat(u).startsWith("/opt/broken/half-written.spdx.json "),
        u -> assertThat(u).startsWith("/opt/other/settings.bom.json ").contains("neither a CycloneDX JSON document"));
  }

  @Test
  void aPackageThePackageDatabaseShowsIsLeftToIt() throws IOException {
    Catalog catalog = FixtureTrees.withTree(tmp.resolve("layout"), List.of(FixtureTrees.layerOf(FixtureTrees.resource(FIXTURE), "")),
        tree -> Catalog.of(tree, List.of(new DpkgCataloger(), new EmbeddedSbomCataloger()), tmp));
    assertThat(catalog.packages()).filteredOn(p -> p.name().equals("libc6")).extracting(Package::foundBy).containsExactly(DpkgCataloger.NAME);
    assertThat(catalog.packages()).filteredOn(p -> p.foundBy().equals(EmbeddedSbomCataloger.NAME)).hasSize(5);
  }

  @Test
  void hostileDocumentsAreBoundedUnknowns() throws IOException {
    LayerBuilder layer = new LayerBuilder();
    layer.file("opt/deep/nested.cdx.json", "[".repeat(60_000).getBytes(StandardCharsets.UTF_8), 0644);
    layer.file("opt/big/large.spdx.json", ("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[" + "{},".repeat(40_000) + "{}]}").getBytes(StandardCharsets.UTF_8), 0644);
    layer.file("opt/bin/binary.cdx.json", new byte[] {0, (byte) 0xff, 0x7f, 'P', 'K', 3, 4}, 0644);
    Path dir = Files.createDirectories(tmp.resolve("hostile"));
    CatalogResult r = FixtureTrees.withTree(dir, List.of(layer), tree -> new EmbeddedSbomCataloger().catalog(tree, new CatalogContext(null, tmp, 64 << 10)));
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).extracting(Unknown::reason).satisfiesExactlyInAnyOrder(
        reason -> assertThat(reason).contains("more than the limit of 65536"),
        reason -> assertThat(reason).contains("/opt/deep/nested.cdx.json"),
        reason -> assertThat(reason).contains("/opt/bin/binary.cdx.json"));
  }
}
