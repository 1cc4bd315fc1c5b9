package dev.portcullis.catalog.swift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageResolvedCatalogerTest {
  @TempDir Path tmp;

  @Test
  void pinsOfVersionsOneTwoAndThreeNamedByTheirRepository() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new PackageResolvedCataloger(), "/dev/portcullis/catalog/swift/resolved", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path().substring(0, 3)).containsExactly(
        "pkg:swift/github.com/Alamofire/Alamofire@5.4.3 /v1",
        "pkg:swift/github.com/apple/swift-argument-parser@0.5.0 /v1",
        "pkg:swift/github.com/apple/swift-argument-parser@1.3.1 /v3",
        "pkg:swift/github.com/apple/swift-log@1.5.4 /v3",
        "pkg:swift/github.com/apple/swift-nio@2.64.0 /v2",
        "pkg:swift/github.com/apple/swift-nio-ssl@7c381eb6083542b124a6c18fae742f55001dc2b5 /v2",
        "pkg:swift/github.com/swift-server/async-http-client@1.21.2 /v2");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("swift-nio-ssl")).singleElement()
        .satisfies(p -> assertThat(p.metadata()).containsEntry("branch", "main").containsEntry("repository", "git@github.com:apple/swift-nio-ssl.git"));
    assertThat(r.packages()).extracting(Package::displayName).contains("github.com/apple/swift-nio");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).startsWith("/v1/");
      assertThat(u.reason()).contains("pin 'Nowhere': repository 'Nowhere' is not HOST/OWNER/REPO");
    });
  }
}
