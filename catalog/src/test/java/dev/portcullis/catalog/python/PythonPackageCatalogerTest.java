package dev.portcullis.catalog.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonPackageCatalogerTest {
  private static final String SITE = "/usr/local/lib/python3.12/site-packages/";
  @TempDir Path tmp;
  private CatalogResult result;

  @BeforeEach
  void catalog() throws IOException {
    result = FixtureTrees.catalog(new PythonPackageCataloger(), "/dev/portcullis/catalog/python/site", tmp);
  }

  @Test
  void distInfoEggInfoDirectoryAndEggInfoFileInAnyCase() {
    // sorted by the name as written: upper case first
    assertThat(result.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:pypi/django-rest-framework@3.15.1 " + SITE + "Django_Rest_Framework-3.15.1.dist-info/METADATA",
        "pkg:pypi/markupsafe@2.1.5 " + SITE + "MarkupSafe-2.1.5.DIST-INFO/METADATA",
        "pkg:pypi/pyyaml@5.3.1 " + SITE + "PyYAML-5.3.1-py3.8.egg-info/PKG-INFO",
        "pkg:pypi/attrs@23.2.0 " + SITE + "attrs-23.2.0.dist-info/METADATA",
        "pkg:pypi/pip@24.1.dev0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpypa%2Fpip.git%406c8b9c5b2f8e3d1a4e7f0a9b8c7d6e5f4a3b2c1d "
            + SITE + "pip-24.1.dev0.dist-info/METADATA",
        "pkg:pypi/python-apt@2.6.0 /usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info",
        "pkg:pypi/requests@2.31.0 " + SITE + "requests-2.31.0.dist-info/METADATA",
        "pkg:pypi/six@1.16.0 " + SITE + "SIX-1.16.0-py3.12.EGG-INFO/PKG-INFO",
        "pkg:pypi/zope-interface@6.4 " + SITE + "zope.interface-6.4.dist-info/METADATA");
  }

  @Test
  void nameAsWrittenLicenseFromHeadersNotBody() {
    Package yaml = result.packages().stream().filter(p -> p.name().equals("PyYAML")).findFirst().orElseThrow();
    assertThat(yaml.metadata()).containsEntry("license", "MIT");
    Package drf = result.packages().stream().filter(p -> p.version().equals("3.15.1")).findFirst().orElseThrow();
    assertThat(drf.name()).isEqualTo("Django_Rest__Framework");
    assertThat(drf.metadata()).containsEntry("license", "BSD-3-Clause");
    assertThat(result.packages()).extracting(Package::version).doesNotContain("9.9.9");
  }

  @Test
  void metadataWithoutVersionIsAnUnknown() {
    assertThat(result.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo(SITE + "broken_pkg-1.0.dist-info/METADATA");
      assertThat(u.reason()).contains("no Version header");
    });
  }

  // PEP 503's examples, and the separators packageurl-java alone would keep
  @ParameterizedTest
  @CsvSource({"friendly-bard,friendly-bard", "Friendly-Bard,friendly-bard", "FRIENDLY-BARD,friendly-bard", "friendly.bard,friendly-bard",
      "friendly_bard,friendly-bard", "friendly--bard,friendly-bard", "FrIeNdLy-._.-bArD,friendly-bard", "zope.interface,zope-interface"})
  void pep503(String name, String normalized) {
    assertThat(PythonPackageCataloger.normalize(name)).isEqualTo(normalized);
  }

  @Test
  void headerBlockStopsAtTheBodyAndJoinsContinuations() {
    var h = PythonPackageCataloger.headers("Name: a\nDescription: one\n        two\nName: b\n\nVersion: 1\n");
    assertThat(h).containsEntry("name", "a").containsEntry("description", "one\ntwo").doesNotContainKey("version");
    assertThatThrownBy(() -> PythonPackageCataloger.headers("<html>\n")).isInstanceOf(IllegalArgumentException.class);
  }
}
