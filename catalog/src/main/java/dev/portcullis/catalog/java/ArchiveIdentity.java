package dev.portcullis.catalog.java;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * Who an archive is, decided from its evidence in order: the {@code pom.properties} its file name
 * fits; its only {@code pom.properties}, unless the file name clearly names another artifact or the
 * archive is an instrumentation agent (which carries the pom.properties of what it instruments);
 * then the manifest and the file name.
 *
 * @param own the archive's own pom.properties, when it has one; all others are embedded parts
 */
record ArchiveIdentity(String groupId, String artifactId, String version, Evidence evidence, Optional<PomProperties> own) {
  /** Where the coordinates came from. */
  enum Evidence {
    POM_PROPERTIES("pom.properties"),
    MANIFEST("manifest"),
    FILE_NAME("file-name");

    final String label;

    Evidence(String label) {
      this.label = label;
    }
  }

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

  /**
   * @param manifest the main attributes of {@code META-INF/MANIFEST.MF}
   * @param packages the packages of its top-level classes, each with its number of classes
   */
  static ArchiveIdentity of(ArchiveName name, List<PomProperties> poms, Map<String, String> manifest, SortedMap<String, Integer> packages) {
    Optional<PomProperties> fitting = poms.stream().filter(p -> name.fits(p.artifactId(), p.version()))
        .max(Comparator.<PomProperties>comparingInt(p -> name.base().equals(p.artifactId() + "-" + p.version()) ? 1 : 0)
            .thenComparingInt(p -> p.artifactId().length()).thenComparing(PomProperties::entry));
    boolean agent = manifest.containsKey("Premain-Class");
    if (fitting.isEmpty() && poms.size() == 1 && !agent && !namesAnother(name, poms.get(0))) {
      fitting = Optional.of(poms.get(0));
    }
    if (fitting.isPresent()) {
      PomProperties p = fitting.get();
      return new ArchiveIdentity(p.groupId(), p.artifactId(), p.version(), Evidence.POM_PROPERTIES, fitting);
    }
    return fromManifest(name, manifest, packages);
  }

  /** A versioned file name whose name and version both differ from the pom's. */
  private static boolean namesAnother(ArchiveName name, PomProperties pom) {
    return name.version().isPresent() && !name.name().equals(pom.artifactId()) && !name.version().get().equals(pom.version());
  }

  private static ArchiveIdentity fromManifest(ArchiveName name, Map<String, String> manifest, SortedMap<String, Integer> packages) {
    // Jenkins plug-ins (.hpi, .jpi) name themselves by Short-Name, Group-Id and Plugin-Version
    Optional<String> title = value(manifest, "Implementation-Title").filter(t -> TOKEN.matcher(t).matches() && !t.contains("."))
        .or(() -> value(manifest, "Short-Name").filter(t -> TOKEN.matcher(t).matches()));
    Optional<String> symbolic = value(manifest, "Bundle-SymbolicName").map(s -> s.split(";", 2)[0].strip())
        .or(() -> value(manifest, "Automatic-Module-Name")).filter(s -> TOKEN.matcher(s).matches());
    boolean vendor = value(manifest, "Implementation-Vendor-Id").or(() -> value(manifest, "Group-Id")).filter(v -> TOKEN.matcher(v).matches()).isPresent();
    Optional<String> implementation = value(manifest, "Implementation-Version").or(() -> value(manifest, "Plugin-Version"));
    Optional<String> bundle = value(manifest, "Bundle-Version");

    String artifact;
    if (name.version().isPresent()) {
      // saved as ARTIFACT-VERSION.jar, as Maven and Gradle lay out libraries; a title is often prose-cased ("Jackson-core")
      artifact = name.name();
    } else if (title.isPresent()) {
      artifact = title.get();
    } else if (name.version().isEmpty() && symbolic.isPresent() && symbolic.get().contains(".")) {
      artifact = symbolic.get().substring(symbolic.get().lastIndexOf('.') + 1);
    } else {
      artifact = name.name();
    }
    String group = GroupIds.of(artifact, manifest, packages);
    // OSGi normalises Maven versions (31.1-jre becomes 31.1.0.jre), so the file name's comes before Bundle-Version
    String version = implementation.or(name::version).or(() -> bundle).orElse("");
    boolean manifestSaid = title.isPresent() || vendor || implementation.isPresent()
        || !artifact.equals(name.name()) || name.version().isEmpty() && bundle.isPresent();
    return new ArchiveIdentity(group, artifact, version, manifestSaid ? Evidence.MANIFEST : Evidence.FILE_NAME, Optional.empty());
  }

  private static Optional<String> value(Map<String, String> manifest, String key) {
    String v = manifest.get(key);
    return v == null || v.isBlank() || v.contains("${") ? Optional.empty() : Optional.of(v.strip());
  }
}
