package dev.portcullis.catalog.binary;

import static dev.portcullis.catalog.FixtureTrees.layerOf;
import static dev.portcullis.catalog.FixtureTrees.withTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's {@code release} file as Debian's openjdk-17-jre-headless 17.0.15+6-1~deb12u1 installs
 * it (whose maintainer script does not run in a chroot, so no image test installs it), and a binary
 * that dpkg owns beside a copy that nothing owns.
 */
class BinaryClassifierCatalogerTest {
  @TempDir Path tmp;

  @Test
  void theJdkIsIdentifiedFromItsReleaseFile() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new BinaryClassifierCataloger(), "/dev/portcullis/catalog/binary/openjdk-17", tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::namespace, Package::name, Package::version, Package::purl, Package::ecosystem, p -> p.location().path())
        .containsExactly(tuple("oracle", "openjdk", "17.0.15", "pkg:generic/oracle/openjdk@17.0.15", Ecosystem.GENERIC,
            "/usr/lib/jvm/java-17-openjdk-amd64/release"));
  }

  @Test
  void aBinaryAnOsPackageInstalledIsThatPackageAndOnlyTheUnownedCopyIsReported() throws IOException {
    byte[] nginx = "\u007fELF\0\0\0nginx version: nginx/1.22.1\0".getBytes(StandardCharsets.ISO_8859_1);
    LayerBuilder layer = layerOf(getClass(), "dpkg-owns-nginx")
        .file("usr/sbin/nginx", nginx, 0755)
        .file("opt/nginx/sbin/nginx", nginx, 0755);
    Catalog catalog = withTree(tmp.resolve("layout"), List.of(layer), tree -> Catalog.of(tree, Catalogers.defaults(), tmp));
    assertThat(catalog.packages()).extracting(Package::ecosystem, Package::name, p -> p.location().path())
        .containsExactly(tuple(Ecosystem.DEBIAN, "nginx", "/var/lib/dpkg/status"), tuple(Ecosystem.GENERIC, "nginx", "/opt/nginx/sbin/nginx"));
  }
}
