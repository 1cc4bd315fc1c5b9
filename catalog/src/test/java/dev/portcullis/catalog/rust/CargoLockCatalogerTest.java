package dev.portcullis.catalog.rust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CargoLockCatalogerTest {
  @TempDir Path tmp;

  @Test
  void lockedCratesWithSourceButNotTheWorkspace() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new CargoLockCataloger(), "/dev/portcullis/catalog/rust/locks", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.metadata().get("source")).containsExactly(
        "pkg:cargo/serde@1.0.197 registry+https://github.com/rust-lang/crates.io-index",
        "pkg:cargo/smallvec@1.13.1 git+https://github.com/servo/rust-smallvec?rev=1234abc#1234abcdef0123456789abcdef0123456789abcd");
    assertThat(r.packages()).allMatch(p -> p.location().path().equals("/src/app/Cargo.lock"));
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/src/no-version/Cargo.lock");
      assertThat(u.reason()).contains("without name or version");
    });
  }
}
