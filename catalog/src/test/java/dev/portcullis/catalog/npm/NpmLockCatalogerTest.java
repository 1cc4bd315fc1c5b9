package dev.portcullis.catalog.npm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmLockCatalogerTest {
  @TempDir Path tmp;
  private CatalogResult result;

  @BeforeEach
  void catalog() throws IOException {
    result = FixtureTrees.catalog(new NpmLockCataloger(), "/dev/portcullis/catalog/npm/locks", tmp);
  }

  private List<String> in(String lockFile) {
    return result.packages().stream().filter(p -> p.location().path().equals(lockFile)).map(p -> p.purl()).toList();
  }

  private Package one(String lockFile, String purl) {
    return result.packages().stream().filter(p -> p.location().path().equals(lockFile) && p.purl().equals(purl)).findFirst().orElseThrow();
  }

  @Test
  void lockfileV1WalksTheNestedDependencyTree() {
    // the alias installs string-width; a file: dependency is a local directory
    assertThat(in("/srv/v1/package-lock.json")).containsExactly(
        "pkg:npm/axios@0.21.0", "pkg:npm/follow-redirects@1.13.0", "pkg:npm/follow-redirects@1.5.10", "pkg:npm/lodash@4.17.15",
        "pkg:npm/string-width@4.2.3", "pkg:npm/%40types/node@14.14.6");
    assertThat(one("/srv/v1/package-lock.json", "pkg:npm/%40types/node@14.14.6").metadata()).containsEntry("dev", "true");
  }

  @Test
  void lockfileV2ReadsPackagesAndIgnoresTheLegacyTree() {
    assertThat(in("/srv/v2/package-lock.json")).containsExactly("pkg:npm/minimist@1.2.0");
  }

  @Test
  void lockfileV3ReadsInstallPathsWithoutProjectOrWorkspaces() {
    assertThat(in("/srv/v3/package-lock.json")).containsExactly(
        "pkg:npm/axios@0.21.0", "pkg:npm/follow-redirects@1.13.0", "pkg:npm/picocolors@1.0.1", "pkg:npm/strip-ansi@6.0.1",
        "pkg:npm/typescript@5.4.5", "pkg:npm/%40babel/code-frame@7.24.7");
    Package ts = one("/srv/v3/package-lock.json", "pkg:npm/typescript@5.4.5");
    assertThat(ts.metadata()).containsEntry("dev", "true").containsEntry("license", "Apache-2.0");
    assertThat(ts.foundBy()).isEqualTo("npm-lock-cataloger");
  }

  @Test
  void lockFilesShippedInsideInstalledPackagesAreSkipped() {
    assertThat(result.packages()).noneMatch(p -> p.location().path().contains("/node_modules/"));
    assertThat(result.packages()).noneMatch(p -> p.name().equals("tape"));
  }

  @Test
  void yarnClassic() {
    assertThat(in("/srv/yarn-classic/yarn.lock")).containsExactly(
        "pkg:npm/axios@0.21.0", "pkg:npm/follow-redirects@1.15.6", "pkg:npm/lodash@4.17.15", "pkg:npm/string-width@4.2.3",
        "pkg:npm/%40babel/code-frame@7.24.7");
  }

  @Test
  void yarnBerryWithoutMetadataWorkspaceOrPatchDuplicates() {
    assertThat(in("/srv/yarn-berry/yarn.lock")).containsExactly(
        "pkg:npm/lodash@4.17.15", "pkg:npm/resolve@1.22.8", "pkg:npm/%40babel/code-frame@7.24.7");
  }

  @Test
  void truncatedLockIsAnUnknown() {
    assertThat(result.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/srv/broken/package-lock.json");
      assertThat(u.cataloger()).isEqualTo("npm-lock-cataloger");
    });
  }
}
