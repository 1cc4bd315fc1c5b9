package dev.portcullis.catalog.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classifier list is data: the built-in one parses, and a bad line fails naming the line and why. */
class ClassifiersTest {
  @Test
  void theBuiltInListCoversEveryRuntimeAndServerOfTheIssue() {
    assertThat(Classifiers.builtIn()).extracting(Classifier::packageName).containsOnly(
        "openjdk", "node", "python", "nginx", "redis", "httpd", "openssl", "curl", "busybox", "postgresql", "php-cli", "php-fpm", "php", "ruby",
        "perl");
  }

  @ParameterizedTest(name = "{0} is searched by {1}")
  @CsvSource({
      "nginx, nginx", "apache2, httpd", "httpd, httpd", "python3.11, python", "libpython3.12.so.1.0, python", "libnode.so.108, node",
      "libcrypto.so.3, openssl", "libcurl.so.4.8.0, libcurl", "libcurl-gnutls.so.4, libcurl", "libruby-3.1.so.3.1.2, ruby",
      "libperl.so.5.36.0, perl", "php8.2, php-cli", "php-fpm8.2, php-fpm", "libphp8.2.so, libphp", "postgres, postgresql", "redis-server, redis", "release, openjdk", "redis-check-rdb, redis"})
  void fileNamesAreSearchedByTheirClassifier(String fileName, String classifier) {
    assertThat(Classifiers.builtIn()).filteredOn(c -> c.searches(fileName)).extracting(Classifier::name).containsExactly(classifier);
  }

  @ParameterizedTest(name = "{0} is searched by none")
  @CsvSource({"nginx.conf", "python3", "libssl.so.3", "curl-config", "postgresql.conf", "releases", "perldoc"})
  void otherFilesAreNotSearched(String fileName) {
    assertThat(Classifiers.builtIn()).noneMatch(c -> c.searches(fileName));
  }

  @Test
  void aLineWithoutFourFieldsFailsNamingItsLine() {
    assertThatThrownBy(() -> parse("# comment\nnginx\tnginx\tnginx/(?<version>[0-9.]+)\n"))
        .hasMessage("test.tsv line 2: 4 tab-separated fields needed, found 3");
  }

  @Test
  void evidenceWithoutAVersionGroupFails() {
    assertThatThrownBy(() -> parse("nginx\tnginx\tnginx/([0-9.]+)\tpkg:generic/nginx@{version}\n"))
        .hasMessageContaining("line 1").hasMessageContaining("has no group 'version'");
  }

  @Test
  void aPlaceholderTheFileNameDoesNotCaptureFails() {
    assertThatThrownBy(() -> parse("python\tpython[0-9.]+\t(?<version>${release}\\.[0-9]+)\tpkg:generic/python@{version}\n"))
        .hasMessageContaining("line 1").hasMessageContaining("${release}");
  }

  @Test
  void twoClassifiersWithOneNameFail() {
    String line = "nginx\tnginx\tnginx/(?<version>[0-9.]+)\tpkg:generic/nginx@{version}\n";
    assertThatThrownBy(() -> parse(line + line)).hasMessage("test.tsv line 2: a second classifier named nginx");
  }

  @Test
  void aBadPatternFailsSayingWhere() {
    assertThatThrownBy(() -> parse("nginx\tnginx(\tnginx/(?<version>[0-9.]+)\tpkg:generic/nginx@{version}\n"))
        .hasMessageStartingWith("test.tsv line 1: Unclosed group");
  }

  private static List<Classifier> parse(String text) throws IOException {
    return Classifiers.parse(new BufferedReader(new StringReader(text)), "test.tsv");
  }
}
