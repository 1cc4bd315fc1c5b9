package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchiveNameTest {
  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "/usr/share/java/log4j-core-2.14.1.jar, log4j-core, 2.14.1",
      // digits inside the name are not a version: a real Log4j bridge artifact
      "log4j-1.2-api-2.14.1.jar, log4j-1.2-api, 2.14.1",
      "commons-lang3-3.12.0.jar, commons-lang3, 3.12.0",
      "guava-31.1-jre.jar, guava, 31.1-jre",
      "spring-web-5.2.0.RELEASE.jar, spring-web, 5.2.0.RELEASE",
      "netty-all-4.1.100.Final.jar, netty-all, 4.1.100.Final",
      "shop-1.0-SNAPSHOT.war, shop, 1.0-SNAPSHOT",
      "acme-core-2.0.0-20240101.120000-3.jar, acme-core, 2.0.0-20240101.120000-3",
      "app.jar, app, -",
      "opentelemetry-javaagent.jar, opentelemetry-javaagent, -",
      "jenkins-plugin.hpi, jenkins-plugin, -",
  })
  void splitsNameAndVersion(String path, String name, String version) {
    ArchiveName n = ArchiveName.of(path);
    assertThat(n.name()).isEqualTo(name);
    assertThat(n.version()).isEqualTo(Optional.ofNullable(version));
  }

  @ParameterizedTest
  @CsvSource({
      "log4j-core-2.14.1.jar, log4j-core, 2.14.1, true",
      "log4j-core.jar, log4j-core, 2.14.1, true",
      "log4j-core-2.14.1.jar, log4j-api, 2.14.1, false",
      "log4j-core-2.14.1.jar, log4j, 2.14.1, false",
      "app.jar, guava, 31.1-jre, false",
  })
  void fitsTheArtifactItWasSavedAs(String path, String artifact, String version, boolean fits) {
    assertThat(ArchiveName.of(path).fits(artifact, version)).isEqualTo(fits);
  }
}
