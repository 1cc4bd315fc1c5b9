package dev.portcullis.catalog.homebrew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomebrewCatalogerTest {
  private static final String CELLAR = "/home/linuxbrew/.linuxbrew/Cellar/";
  @TempDir Path tmp;

  @Test
  void eachKegWithItsReceiptAndABrokenReceiptIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new HomebrewCataloger(), "/dev/portcullis/catalog/homebrew/linuxbrew", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:brew/jq@1.7.1 " + CELLAR + "jq/1.7.1/INSTALL_RECEIPT.json",
        "pkg:brew/openssl%403@3.2.1 " + CELLAR + "openssl@3/3.2.1/INSTALL_RECEIPT.json");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.metadata()).containsEntry("tap", "homebrew/core"));
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.location().path()).isEqualTo(CELLAR + "broken/1.0/INSTALL_RECEIPT.json"));
  }
}
