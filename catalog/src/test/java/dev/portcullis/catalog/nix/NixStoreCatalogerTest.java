package dev.portcullis.catalog.nix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NixStoreCatalogerTest {
  @TempDir Path tmp;

  @Test
  void storePathsWithAVersionArePackagesEachOutputApartAndAnEntryThatIsNoStorePathIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new NixStoreCataloger(), "/dev/portcullis/catalog/nix/store", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:nix/hello@2.12.1?outputhash=9v5d40jyvmwgnq1nj8f19ji2rcc5dksd /nix/store/9v5d40jyvmwgnq1nj8f19ji2rcc5dksd-hello-2.12.1",
        "pkg:nix/openssl@3.0.13?output=bin&outputhash=0kmvw0fbdq4q8k7l0pxpr2lzsvh0m5xi /nix/store/0kmvw0fbdq4q8k7l0pxpr2lzsvh0m5xi-openssl-3.0.13-bin",
        "pkg:nix/openssl@3.0.13?outputhash=a7l1z4x6w0wdzm5grjjpjdyx1h5hy9ml /nix/store/a7l1z4x6w0wdzm5grjjpjdyx1h5hy9ml-openssl-3.0.13",
        "pkg:nix/python3.11-requests@2.31.0?outputhash=4fvl3k4s0bqp3p2xfqflafkx2a0lsqzg "
            + "/nix/store/4fvl3k4s0bqp3p2xfqflafkx2a0lsqzg-python3.11-requests-2.31.0");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/nix/store/not-a-store-path");
      assertThat(u.reason()).isEqualTo("store entry 'not-a-store-path' is not HASH-NAME");
    });
  }
}
