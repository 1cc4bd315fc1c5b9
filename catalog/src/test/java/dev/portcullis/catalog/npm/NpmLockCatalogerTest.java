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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** The same project (peers, an alias, a file: dependency, a workspace) locked by pnpm 7, 8 and 9. */
  @ParameterizedTest
  @ValueSource(strings = {"pnpm-v5", "pnpm-v6", "pnpm-v9"})
  void pnpmLockWithoutLocalDirectoriesWorkspacesOrPeerSuffixes(String project) {
    String lock = "/srv/" + project + "/pnpm-lock.yaml";
    assertThat(in(lock)).containsExactly(
        "pkg:npm/ajv@6.12.6", "pkg:npm/ajv-keywords@3.5.2", "pkg:npm/ansi-regex@5.0.1", "pkg:npm/emoji-regex@8.0.0",
        "pkg:npm/fast-deep-equal@3.1.3", "pkg:npm/fast-json-stable-stringify@2.1.0", "pkg:npm/is-fullwidth-code-point@3.0.0",
        "pkg:npm/json-schema-traverse@0.4.1", "pkg:npm/lodash@4.17.15", "pkg:npm/lodash@4.17.21", "pkg:npm/minimist@1.2.0",
        "pkg:npm/punycode@2.3.1", "pkg:npm/string-width@4.2.3", "pkg:npm/strip-ansi@6.0.1", "pkg:npm/uri-js@4.4.1",
        "pkg:npm/%40types/node@14.14.6");
    // version 9 has no dev field: only devDependencies reach these through the snapshots
    assertThat(result.packages()).filteredOn(p -> p.location().path().equals(lock) && "true".equals(p.metadata().get("dev")))
        .extracting(Package::purl).containsExactly("pkg:npm/minimist@1.2.0", "pkg:npm/%40types/node@14.14.6");
  }

  /** Each fixture is the good lock file of its format with one entry added that does not parse. */
  @ParameterizedTest
  @CsvSource({
      "v1/package-lock.json, entry 'node_modules/async': malformed npm name 'node_modules/async'",
      "v2/package-lock.json, entry 'node_modules/@broken': malformed scoped npm name '@broken'",
      "v3/package-lock.json, entry 'node_modules/@broken': malformed scoped npm name '@broken'",
      "yarn-classic/yarn.lock, entry 'entry-without-version@^1.0.0': no version",
      "yarn-berry/yarn.lock, entry 'no-at-sign': descriptor 'no-at-sign' has no '@'",
      "pnpm-v5/pnpm-lock.yaml, entry '/@scope//1.0.0': malformed scoped npm name '@scope/'",
      "pnpm-v6/pnpm-lock.yaml, entry '/@scope@1.0.0': malformed scoped npm name '@scope'",
      "pnpm-v9/pnpm-lock.yaml, entry '@scope@1.0.0': malformed scoped npm name '@scope'"})
  void oneBadEntryLosesOnlyThatEntry(String good, String reason) {
    String bad = "/srv/one-bad-entry-" + good;
    assertThat(in(bad)).isNotEmpty().containsExactlyInAnyOrderElementsOf(in("/srv/" + good));
    assertThat(result.unknowns()).filteredOn(u -> u.location().path().equals(bad)).singleElement()
        .satisfies(u -> assertThat(u.reason()).isEqualTo("parse " + bad + ": " + reason));
  }

  @Test
  void pnpmV9KeysWithALeadingSlashAreRead() {
    String slashed = "/srv/pnpm-v9-slash-keys/pnpm-lock.yaml";
    assertThat(in(slashed)).isNotEmpty().containsExactlyInAnyOrderElementsOf(in("/srv/pnpm-v9/pnpm-lock.yaml"));
    assertThat(result.unknowns()).noneMatch(u -> u.location().path().equals(slashed));
  }

  @Test
  void malformedLocksAreUnknowns() {
    assertThat(result.unknowns()).extracting(u -> u.location().path()).filteredOn(p -> !p.contains("/one-bad-entry-")).containsExactly(
        "/srv/broken/package-lock.json", "/srv/pnpm-unclosed-flow-mapping/pnpm-lock.yaml");
    assertThat(result.unknowns()).allSatisfy(u -> assertThat(u.cataloger()).isEqualTo("npm-lock-cataloger"));
    assertThat(result.packages()).noneMatch(p -> p.location().path().contains("pnpm-unclosed"));
  }
}
