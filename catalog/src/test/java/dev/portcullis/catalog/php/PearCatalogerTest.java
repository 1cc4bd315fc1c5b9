package dev.portcullis.catalog.php;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PearCatalogerTest {
  @TempDir Path tmp;

  @Test
  void registryFilesOfPackageXmlOneAndTwoAndOfPeclAndEachBrokenFileOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new PearCataloger(), "/dev/portcullis/catalog/php/pear", tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactly(
        "pkg:pear/pear.php.net/Archive_Tar@1.4.14",
        "pkg:pear/pear.php.net/Console_Getopt@1.4.3",
        "pkg:pear/pear.php.net/Net_Socket@1.0.14",
        "pkg:pear/pecl.php.net/APCu@5.1.23");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("APCu")).singleElement()
        .satisfies(p -> assertThat(p.metadata()).containsEntry("license", "PHP License").containsEntry("stability", "stable"));
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/usr/share/php/.registry/half_written.reg: ").contains("PHP serialized data at byte"),
        u -> assertThat(u).startsWith("/usr/share/php/.registry/lying_count.reg: ").contains("an array of 2147483647 entries is longer than what follows"));
  }

  @Test
  void hostileSerializedDataFailsInBoundedTime() {
    byte[] deep = "a:1:{i:0;".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PhpSerialized.read(deep)).hasMessageContaining("nested deeper than 32");
    assertThatThrownBy(() -> PhpSerialized.read("s:99999999999:\"x\";".getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("longer than what follows");
    assertThatThrownBy(() -> PhpSerialized.read("O:8:\"stdClass\":0:{}".getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("type 'O'");
    assertThatThrownBy(() -> PhpSerialized.read("i:1111111111111111111111111111111111111111;".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(IllegalArgumentException.class);
  }
}
