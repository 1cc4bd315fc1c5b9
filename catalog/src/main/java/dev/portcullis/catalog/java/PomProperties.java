package dev.portcullis.catalog.java;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;
import java.util.Properties;

/** The coordinates in one {@code META-INF/maven/GROUP/ARTIFACT/pom.properties} of an archive. */
record PomProperties(String entry, String groupId, String artifactId, String version) {
  /** The coordinates, or empty when the file lacks an artifactId or a version. */
  static Optional<PomProperties> parse(String entry, String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    String g = p.getProperty("groupId", "").strip();
    String a = p.getProperty("artifactId", "").strip();
    String v = p.getProperty("version", "").strip();
    return a.isEmpty() || v.isEmpty() ? Optional.empty() : Optional.of(new PomProperties(entry, g, a, v));
  }

  static boolean isPomProperties(String entry) {
    return entry.startsWith("META-INF/maven/") && entry.endsWith("/pom.properties");
  }
}
