package dev.portcullis.catalog.portage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortageCatalogerTest {
  @TempDir Path tmp;

  @Test
  void eachVdbEntryIsAPackageNamedByItsDirectoryAndAMergeLeftoverIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new PortageCataloger(), "/dev/portcullis/catalog/portage/gentoo", tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactlyInAnyOrder(
        "pkg:ebuild/dev-libs/openssl@3.0.13-r2",
        "pkg:ebuild/sys-libs/zlib@1.3.1-r1",
        "pkg:ebuild/net-misc/openssh@9.7_p1-r5",
        "pkg:ebuild/media-fonts/font-adobe-100dpi@1.0.4",
        "pkg:ebuild/virtual/libcrypt@2-r1");
    assertThat(r.packages()).allMatch(p -> p.ecosystem() == Ecosystem.PORTAGE && p.location().path().endsWith("/CONTENTS"));
    assertThat(r.packages()).filteredOn(p -> p.name().equals("openssh")).singleElement()
        .satisfies(p -> assertThat(p.metadata()).containsEntry("license", "BSD GPL-2"));
    assertThat(r.packages()).filteredOn(p -> p.name().equals("libcrypt")).singleElement().satisfies(p -> assertThat(p.metadata()).isEmpty());
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/var/db/pkg/dev-libs/-MERGING-openssl-3.1.4/CONTENTS");
      assertThat(u.reason()).contains("is not CATEGORY/NAME-VERSION");
    });
    assertThat(r.ownedFiles()).containsEntry("/usr/lib64/libcrypto.so.3", "openssl").containsEntry("/usr/lib64/libssl.so", "openssl")
        .containsEntry("/lib64/libz.so.1", "zlib").containsEntry("/usr/share/openssh/moduli with space", "openssh")
        .doesNotContainKey("/usr/bin").doesNotContainValue("openssl-3.1.4");
  }

  @Test
  void contentsLinesAreReadAsPortageWritesThem() {
    assertThat(PortageCataloger.installedFiles("dir /usr\nobj /usr/a b/c d41d8cd98f00b204e9800998ecf8427e 1700000000\nsym /lib -> usr/lib 1700000000\nobj broken\n"))
        .containsExactly("/usr/a b/c", "/lib");
  }
}
