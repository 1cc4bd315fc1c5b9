package dev.portcullis.vuln.version;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.artifact.versioning.ComparableVersion;
import org.junit.jupiter.api.Test;

/**
 * {@link MavenVersionScheme} against Maven 3.9's own {@link ComparableVersion} on every published
 * version of guava ({@code -jre}/{@code -android}), spring-core ({@code .RELEASE}, {@code .M1},
 * {@code .RC1}), jackson-databind ({@code .rc1}, four-part {@code 2.9.10.8}) and log4j-core
 * ({@code -beta9}, {@code -rc1}), read from their {@code maven-metadata.xml} on Maven Central
 * (cached under {@code target/}).
 */
class MavenVersionSchemeIT {
  private static final Path DIR = Path.of("target", "version-reference", "maven");
  private static final Pattern VERSION = Pattern.compile("<version>([^<]+)</version>");

  @Test
  void agreesWithComparableVersion() throws Exception {
    List<String> versions = new ArrayList<>();
    versions.addAll(ReferenceCheck.spread(published("com/google/guava/guava"), 40));
    versions.addAll(ReferenceCheck.spread(published("org/springframework/spring-core"), 40));
    versions.addAll(ReferenceCheck.spread(published("com/fasterxml/jackson/core/jackson-databind"), 40));
    versions.addAll(ReferenceCheck.spread(published("org/apache/logging/log4j/log4j-core"), 40));
    ReferenceCheck.assertAgrees(new MavenVersionScheme(), versions, pairs -> pairs.stream()
        .map(p -> Integer.signum(new ComparableVersion(p.a()).compareTo(new ComparableVersion(p.b()))))
        .toList());
  }

  private static List<String> published(String path) throws IOException, InterruptedException {
    Path cache = DIR.resolve(path.replace('/', '_') + "-maven-metadata.xml");
    if (!Files.exists(cache)) {
      Files.createDirectories(DIR);
      URI uri = URI.create("https://repo1.maven.org/maven2/" + path + "/maven-metadata.xml");
      try (HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IOException("GET " + uri + ": HTTP " + response.statusCode());
        }
        Files.writeString(cache, response.body());
      }
    }
    List<String> versions = new ArrayList<>();
    Matcher m = VERSION.matcher(Files.readString(cache));
    while (m.find()) {
      versions.add(m.group(1).strip());
    }
    return versions;
  }
}
