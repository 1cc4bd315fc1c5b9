package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** groupIds guessed from class packages, for jars without pom.properties (Spring's are built by Gradle). */
class ArchiveIdentityTest {
  @ParameterizedTest
  @CsvSource({
      "org.springframework.beans, spring-beans, org.springframework",
      "org.springframework, spring-core, org.springframework",
      "org.apache.commons.text, commons-text, org.apache.commons",
      "com.example, example, com.example",
      "io.netty.handler.codec.http, netty-codec-http, io.netty.handler.codec",
      "org.springframework.web.servlet, spring-webmvc, org.springframework.web.servlet"})
  void aLastSegmentRepeatingTheArtifactIsDropped(String classPackage, String artifact, String group) {
    assertThat(ArchiveIdentity.groupOfPackage(classPackage, artifact)).isEqualTo(group);
  }
}
