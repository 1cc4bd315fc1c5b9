package dev.portcullis.catalog.java;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an archive's file name says: {@code log4j-1.2-api-2.14.1.jar} is {@code log4j-1.2-api} at
 * {@code 2.14.1}. The version starts at the first {@code -digit} after which every {@code -}-part
 * is numeric or a known qualifier, so digits inside names are not taken for versions.
 *
 * @param base the file name without directory and extension
 * @param name the part before the version, or {@code base} when there is no version
 * @param version the version, when the name has one
 */
record ArchiveName(String base, String name, Optional<String> version) {
  private static final Pattern SEGMENT = Pattern.compile(
      "(?i)\\d[0-9a-z._+]*|snapshot|release|final|ga|jre|android|incubating|alpha\\d*|beta\\d*|rc\\d*|cr\\d*|m\\d+|milestone\\d*|ea|sp\\d*|jdk\\d*|java\\d*|jakarta");

  static ArchiveName of(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    String base = dot > 0 ? file.substring(0, dot) : file;
    for (int i = base.indexOf('-'); i > 0 && i < base.length() - 1; i = base.indexOf('-', i + 1)) {
      if (Character.isDigit(base.charAt(i + 1)) && isVersion(base.substring(i + 1))) {
        return new ArchiveName(base, base.substring(0, i), Optional.of(base.substring(i + 1)));
      }
    }
    return new ArchiveName(base, base, Optional.empty());
  }

  private static boolean isVersion(String s) {
    for (String part : s.split("-", -1)) {
      if (!SEGMENT.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Whether a Maven artifact of this id and version could have been saved under this name. */
  boolean fits(String artifactId, String artifactVersion) {
    return base.equals(artifactId) || base.equals(artifactId + "-" + artifactVersion)
        || base.startsWith(artifactId + "-") && name.equals(artifactId);
  }

  static boolean isArchive(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".jar") || p.endsWith(".war") || p.endsWith(".ear") || p.endsWith(".jpi") || p.endsWith(".hpi");
  }
}
