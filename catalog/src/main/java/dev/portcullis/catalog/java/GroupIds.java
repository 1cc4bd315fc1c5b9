package dev.portcullis.catalog.java;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * The Maven groupId of an archive that carries no {@code pom.properties}, from its manifest and the
 * packages of its classes, each piece of evidence taken only when the classes agree with it; empty
 * when nothing tells. In order:
 *
 * <ol>
 *   <li>the publishing conventions of projects that build without Maven and so write no
 *       pom.properties (Spring with Gradle, Tomcat with Ant), each confirmed by the jar's own
 *       packages or manifest names;
 *   <li>an artifactId that starts with its group ({@code jakarta.annotation-api});
 *   <li>{@code Implementation-Vendor-Id} (or a Jenkins plug-in's {@code Group-Id});
 *   <li>{@code Bundle-SymbolicName} or {@code Automatic-Module-Name} less the segments that spell
 *       the artifactId's last words ({@code org.apache.logging.log4j.api} of log4j-api);
 *   <li>the package most classes live in, cut at the first segment naming a word of the artifactId
 *       ({@code ch.qos.logback.core} of logback-core is {@code ch.qos.logback}), or else the package
 *       all classes share.
 * </ol>
 */
final class GroupIds {
  /** Spring projects published under {@code org.springframework.PROJECT}; Spring Framework's own jars are {@code org.springframework}. */
  private static final Set<String> SPRING_PROJECTS = Set.of("amqp", "batch", "boot", "cloud", "data", "graphql", "hateoas",
      "integration", "kafka", "ldap", "plugin", "restdocs", "retry", "security", "session", "shell", "statemachine", "vault", "ws");
  private static final Pattern DOTTED_GROUP = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

  private GroupIds() {}

  /**
   * @param artifact the artifactId the archive was found to have
   * @param manifest the main attributes of its manifest
   * @param packages the packages of its top-level classes ({@code org.springframework.beans}), each with its number of classes
   */
  static String of(String artifact, Map<String, String> manifest, SortedMap<String, Integer> packages) {
    List<String> words = words(artifact);
    Optional<String> symbolic = name(manifest, "Bundle-SymbolicName").map(s -> s.split(";", 2)[0].strip());
    Optional<String> module = name(manifest, "Automatic-Module-Name");
    return convention(words, symbolic, module, packages)
        .or(() -> dottedArtifact(artifact))
        .or(() -> name(manifest, "Implementation-Vendor-Id").or(() -> name(manifest, "Group-Id")).filter(g -> agrees(g, packages)))
        .or(() -> symbolic.flatMap(s -> lessArtifact(s, words)).filter(g -> agrees(g, packages)))
        .or(() -> module.flatMap(s -> lessArtifact(s, words)).filter(g -> agrees(g, packages)))
        .orElseGet(() -> ofPackages(words, packages));
  }

  private static Optional<String> convention(List<String> words, Optional<String> symbolic, Optional<String> module, SortedMap<String, Integer> packages) {
    if (words.size() > 1 && words.get(0).equals("spring")
        && (packages.keySet().stream().anyMatch(p -> within(p, "org.springframework")) || module.filter(m -> m.startsWith("spring.")).isPresent())) {
      return Optional.of(SPRING_PROJECTS.contains(words.get(1)) ? "org.springframework." + words.get(1) : "org.springframework");
    }
    if (words.size() > 2 && words.get(0).equals("tomcat") && words.get(1).equals("embed") && symbolic.filter(s -> s.startsWith("org.apache.tomcat")).isPresent()) {
      return Optional.of("org.apache.tomcat.embed");
    }
    return Optional.empty();
  }

  /** {@code jakarta.annotation-api}, {@code javax.servlet-api}: the part before the first hyphen is the group. */
  private static Optional<String> dottedArtifact(String artifact) {
    int hyphen = artifact.indexOf('-');
    return hyphen > 0 ? Optional.of(artifact.substring(0, hyphen)).filter(g -> DOTTED_GROUP.matcher(g).matches()) : Optional.empty();
  }

  /**
   * The name less its longest run of last segments whose words are the artifactId's last words
   * ({@code org.apache.logging.log4j.to.slf4j} of log4j-to-slf4j), all of them only when one
   * segment spells the whole artifactId ({@code com.fasterxml.jackson.core.jackson-databind}); at
   * least two segments remain.
   */
  static Optional<String> lessArtifact(String name, List<String> words) {
    String[] segments = name.split("\\.");
    for (int keep = 2; keep < segments.length; keep++) {
      List<String> tail = words(String.join(".", Arrays.copyOfRange(segments, keep, segments.length)));
      boolean suffix = tail.size() <= words.size() && words.subList(words.size() - tail.size(), words.size()).equals(tail);
      if (suffix && (tail.size() < words.size() || keep == segments.length - 1)) {
        return Optional.of(String.join(".", Arrays.copyOfRange(segments, 0, keep)));
      }
    }
    return Optional.empty();
  }

  /** A group agrees with the classes when one of their packages starts with its first two segments, or there are none. */
  private static boolean agrees(String group, SortedMap<String, Integer> packages) {
    String[] g = group.split("\\.");
    if (packages.isEmpty()) {
      return true;
    }
    if (g.length < 2) {
      return false;
    }
    return packages.keySet().stream().anyMatch(p -> within(p, g[0] + "." + g[1]));
  }

  private static boolean within(String pkg, String prefix) {
    return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
  }

  static String ofPackages(List<String> words, SortedMap<String, Integer> packages) {
    String best = "";
    int weight = 0;
    Map<String, Integer> byCandidate = new java.util.TreeMap<>();
    for (Map.Entry<String, Integer> e : packages.entrySet()) {
      cut(e.getKey(), words).ifPresent(c -> byCandidate.merge(c, e.getValue(), Integer::sum));
    }
    for (Map.Entry<String, Integer> e : byCandidate.entrySet()) {
      if (e.getValue() > weight) {
        best = e.getKey();
        weight = e.getValue();
      }
    }
    return weight > 0 ? best : groupOfPackage(commonPackage(packages.keySet()), words);
  }

  /**
   * The package cut at its first segment (not the first) that is a word of the artifactId: after
   * it ({@code org.apache.commons.text} of commons-text is {@code org.apache.commons}), or before
   * it when it is the artifactId's last word and two segments remain ({@code org.yaml.snakeyaml}).
   */
  private static Optional<String> cut(String pkg, List<String> words) {
    String[] segments = pkg.split("\\.");
    for (int i = 1; i < segments.length; i++) {
      if (words.contains(segments[i])) {
        boolean before = segments[i].equals(words.get(words.size() - 1)) && i >= 2;
        return Optional.of(String.join(".", Arrays.copyOfRange(segments, 0, before ? i : i + 1)));
      }
    }
    return Optional.empty();
  }

  /** The package all given packages share, when it has at least two parts; else empty. */
  static String commonPackage(Iterable<String> packages) {
    String common = null;
    for (String pkg : packages) {
      if (common == null) {
        common = pkg;
      } else {
        while (!common.isEmpty() && !within(pkg, common)) {
          int cut = common.lastIndexOf('.');
          common = cut < 0 ? "" : common.substring(0, cut);
        }
      }
    }
    return common == null || common.indexOf('.') < 0 ? "" : common;
  }

  /** A last segment that repeats the artifact's last word is dropped, as long as two segments remain. */
  private static String groupOfPackage(String classPackage, List<String> words) {
    int dot = classPackage.lastIndexOf('.');
    boolean longEnough = classPackage.chars().filter(c -> c == '.').count() >= 2;
    return longEnough && classPackage.substring(dot + 1).equals(words.get(words.size() - 1)) ? classPackage.substring(0, dot) : classPackage;
  }

  static List<String> words(String name) {
    List<String> words = new ArrayList<>();
    for (String w : name.toLowerCase(Locale.ROOT).split("[-_.]")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words.isEmpty() ? List.of(name) : words;
  }

  private static Optional<String> name(Map<String, String> manifest, String key) {
    String v = manifest.get(key);
    return v == null || v.isBlank() || v.contains("${") ? Optional.empty() : Optional.of(v.strip()).filter(s -> NAME.matcher(s.split(";", 2)[0].strip()).matches());
  }
}
