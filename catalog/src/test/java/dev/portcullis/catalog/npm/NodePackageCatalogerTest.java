package dev.portcullis.catalog.npm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodePackageCatalogerTest {
  private static final String APP = "/usr/src/app/node_modules/";
  @TempDir Path tmp;

  private CatalogResult installed() throws IOException {
    return FixtureTrees.catalog(new NodePackageCataloger(), "/dev/portcullis/catalog/npm/installed", tmp);
  }

  @Test
  void findsEveryInstalledPackageOnceWithItsManifestAsLocation() throws IOException {
    // sorted by namespace, name, version: the order a user sees
    assertThat(installed().packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:npm/axios@0.21.0 " + APP + "axios/package.json",
        "pkg:npm/follow-redirects@1.13.0 " + APP + "axios/node_modules/follow-redirects/package.json",
        "pkg:npm/follow-redirects@1.15.6 " + APP + "follow-redirects/package.json",
        "pkg:npm/lodash@4.17.15 " + APP + "lodash/package.json",
        "pkg:npm/resolve@1.22.8 " + APP + "resolve/package.json",
        "pkg:npm/uuid@9.0.1 " + APP + "uuid/package.json",
        "pkg:npm/%40babel/code-frame@7.24.7 " + APP + "@babel/code-frame/package.json");
  }

  @Test
  void scopeIsTheNamespace() throws IOException {
    Package babel = installed().packages().stream().filter(p -> p.name().equals("code-frame")).findFirst().orElseThrow();
    assertThat(babel.namespace()).isEqualTo("@babel");
    assertThat(babel.ecosystem()).isEqualTo(Ecosystem.NPM);
    assertThat(babel.foundBy()).isEqualTo("node-package-cataloger");
  }

  @Test
  void licenseInItsThreeShapes() throws IOException {
    assertThat(installed().packages()).filteredOn(p -> p.name().equals("lodash") || p.name().equals("resolve") || p.name().equals("uuid"))
        .extracting(p -> p.metadata().get("license")).containsExactly("MIT", "MIT", "MIT");
  }

  @Test
  void malformedManifestIsAnUnknownAndTheRestIsStillFound() throws IOException {
    CatalogResult r = installed();
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo(APP + "broken-manifest/package.json");
      assertThat(u.cataloger()).isEqualTo("node-package-cataloger");
      assertThat(u.reason()).contains("broken-manifest/package.json");
    });
  }

  @Test
  void onlyManifestsOfPackageDirectories() {
    assertThat(NodePackageCataloger.isPackageDir("/app/node_modules/a/package.json")).isTrue();
    assertThat(NodePackageCataloger.isPackageDir("/node_modules/@s/a/package.json")).isTrue();
    assertThat(NodePackageCataloger.isPackageDir("/app/node_modules/a/node_modules/@s/b/package.json")).isTrue();
    assertThat(NodePackageCataloger.isPackageDir("/app/node_modules/a/test/package.json")).isFalse();
    assertThat(NodePackageCataloger.isPackageDir("/app/node_modules/@s/package.json")).isFalse();
    assertThat(NodePackageCataloger.isPackageDir("/app/node_modules/.bin/package.json")).isFalse();
    assertThat(NodePackageCataloger.isPackageDir("/app/package.json")).isFalse();
  }
}
