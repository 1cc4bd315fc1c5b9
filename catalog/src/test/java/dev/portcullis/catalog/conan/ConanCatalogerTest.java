package dev.portcullis.catalog.conan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConanCatalogerTest {
  @TempDir Path tmp;

  @Test
  void referencesOfBothLockVersionsAndOfConanfileTxtAndABadReferenceIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new ConanCataloger(), "/dev/portcullis/catalog/conan", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + (p.metadata().containsKey(Catalog.DEV) ? " dev" : "") + " " + p.location().path())
        .containsExactly(
            "pkg:conan/boost@1.83.0 /txt/legacy/conanfile.txt",
            "pkg:conan/cmake@3.18.2 dev /v1/app/conan.lock",
            "pkg:conan/cmake@3.27.4?rrev=a4b8ecc8e4f5b7a5c2a6a9a5f8d7e2b1 dev /v2/build/conan.lock",
            "pkg:conan/fmt@10.1.1 /txt/legacy/conanfile.txt",
            "pkg:conan/libcurl@8.2.1?rrev=8f62ba7135f5445e5fe6c4bd85143b53 /v2/build/conan.lock",
            "pkg:conan/nasm@2.15.05?rrev=058c93b2214a49ca1cfe9f8f26205568 dev /v2/build/conan.lock",
            "pkg:conan/ninja@1.11.1 dev /txt/legacy/conanfile.txt",
            "pkg:conan/openssl@3.1.2?rrev=8879e931d726a8aad7f372e28470faa1 /v2/build/conan.lock",
            "pkg:conan/poco@1.9.4 /v1/app/conan.lock",
            "pkg:conan/zlib@1.2.11?channel=stable&user=conan /v1/app/conan.lock",
            "pkg:conan/zlib@1.2.13?rrev=97d5730b529b4224045fe7090592d4c1 /v2/build/conan.lock");
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/v2/build/conan.lock: ").endsWith("reference 'not a reference' is not name/version[@user/channel][#revision]"),
        u -> assertThat(u).startsWith("/broken/conan.lock: ").contains("not a conan.lock"));
    assertThat(r.packages()).extracting(Package::name).doesNotContain("spdlog");
  }
}
