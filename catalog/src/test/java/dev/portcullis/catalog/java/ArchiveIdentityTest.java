package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * groupIds of jars without pom.properties (Spring's are built by Gradle, Tomcat's by Ant): the
 * manifest fields and packages are those of the real jars on Maven Central named in each row.
 */
class ArchiveIdentityTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # artifact               | manifest (key=value;...)                                                    | class packages                             | Maven's groupId
      spring-beans             | Automatic-Module-Name=spring.beans                                          | org.springframework.beans                  | org.springframework
      spring-jcl               | Automatic-Module-Name=spring.jcl                                            | org.apache.commons.logging                 | org.springframework
      spring-webmvc            | Automatic-Module-Name=spring.webmvc                                         | org.springframework.web.servlet            | org.springframework
      spring-aop               | Automatic-Module-Name=spring.aop                                            | org.aopalliance.aop org.springframework.aop | org.springframework
      spring-boot              | Automatic-Module-Name=spring.boot                                           | org.springframework.boot                   | org.springframework.boot
      spring-boot-starter-web  | Automatic-Module-Name=spring.boot.starter.web                               |                                            | org.springframework.boot
      tomcat-embed-core        | Bundle-SymbolicName=org.apache.tomcat-embed-core                            | org.apache.catalina javax.servlet          | org.apache.tomcat.embed
      tomcat-embed-el          | Bundle-SymbolicName=org.apache.tomcat-embed-jasper-el                       | javax.el org.apache.el                     | org.apache.tomcat.embed
      jakarta.annotation-api   | Implementation-Vendor-Id=org.glassfish;Bundle-SymbolicName=jakarta.annotation-api | javax.annotation                     | jakarta.annotation
      jackson-databind         | Implementation-Vendor-Id=com.fasterxml.jackson.core                         | com.fasterxml.jackson.databind             | com.fasterxml.jackson.core
      logback-classic          | Bundle-SymbolicName=ch.qos.logback.classic                                  | ch.qos.logback.classic org.slf4j.impl      | ch.qos.logback
      log4j-to-slf4j           | Bundle-SymbolicName=org.apache.logging.log4j.to-slf4j                       | org.apache.logging.slf4j                   | org.apache.logging.log4j
      log4j-to-slf4j           | Bundle-SymbolicName=org.apache.logging.log4j.to.slf4j                       | org.apache.logging.slf4j                   | org.apache.logging.log4j
      log4j-api                | Bundle-SymbolicName=org.apache.logging.log4j.api                            | org.apache.logging.log4j                   | org.apache.logging.log4j
      jul-to-slf4j             | Bundle-SymbolicName=jul.to.slf4j                                            | org.slf4j.bridge                           | org.slf4j
      snakeyaml                | Bundle-SymbolicName=org.yaml.snakeyaml                                      | org.yaml.snakeyaml                         | org.yaml
      commons-text             |                                                                             | org.apache.commons.text                    | org.apache.commons
      netty-codec-http         |                                                                             | io.netty.handler.codec.http                | io.netty
      example                  |                                                                             | com.example                                | com.example
      spring-web               |                                                                             |                                            | ''
      """)
  void groupOfAJarWithoutPomProperties(String artifact, String manifest, String packages, String group) {
    Map<String, String> fields = new TreeMap<>();
    if (manifest != null) {
      for (String kv : manifest.split(";")) {
        String[] p = kv.split("=", 2);
        fields.put(p[0].strip(), p[1].strip());
      }
    }
    TreeMap<String, Integer> classes = new TreeMap<>();
    if (packages != null) {
      for (String p : packages.strip().split(" +")) {
        classes.put(p, 1);
      }
    }
    assertThat(GroupIds.of(artifact, fields, classes)).isEqualTo(group);
  }
}
