package dev.portcullis.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A package found in an image.
 *
 * @param name the package's name in its ecosystem (the dpkg binary package, the Maven artifactId,
 *     the npm name without scope)
 * @param namespace the PURL namespace: Maven groupId, npm scope, distribution id for OS packages, or empty
 * @param version the version exactly as the ecosystem writes it (dpkg with epoch)
 * @param purl the Package URL
 * @param foundBy the kebab-case name of the cataloger
 * @param locations where its evidence is, first the main one
 * @param source the source package (dpkg {@code Source:}, apk origin, source rpm), when it differs or is known
 * @param managedBy the OS package that installed this language package's files, if any
 * @param metadata further facts (architecture, license...); the map has no order of its own (writers sort it by key)
 */
public record Package(
    String name,
    String namespace,
    String version,
    Ecosystem ecosystem,
    String purl,
    String foundBy,
    List<Location> locations,
    @Nullable SourcePackage source,
    @Nullable String managedBy,
    Map<String, String> metadata) implements Comparable<Package> {

  public Package {
    if (name.isBlank()) {
      throw new IllegalArgumentException("a package needs a name");
    }
    if (locations.isEmpty()) {
      throw new IllegalArgumentException("package " + name + " needs a location");
    }
    locations = List.copyOf(locations);
    metadata = Map.copyOf(metadata);
  }

  /** The source package an OS package was built from. */
  public record SourcePackage(String name, String version) {}

  public Optional<SourcePackage> sourceIfAny() {
    return Optional.ofNullable(source);
  }

  public Optional<String> managedByIfAny() {
    return Optional.ofNullable(managedBy);
  }

  public Location location() {
    return locations.get(0);
  }

  /**
   * The name as the ecosystem's users write it, shown in every table: {@code group:artifact} for
   * Maven, {@code @scope/name} or {@code vendor/name} where another ecosystem has a namespace, the
   * bare name for OS packages.
   */
  public String displayName() {
    if (namespace.isEmpty() || ecosystem.isOs()) {
      return name;
    }
    return namespace + (ecosystem == Ecosystem.MAVEN ? ":" : "/") + name;
  }

  /** The same package, marked as installed by the OS package {@code owner}. */
  public Package managedBy(String owner) {
    return new Package(name, namespace, version, ecosystem, purl, foundBy, locations, source, owner, metadata);
  }

  private static final Comparator<Package> ORDER =
      Comparator.comparing(Package::ecosystem).thenComparing(Package::namespace).thenComparing(Package::name)
          .thenComparing(Package::version).thenComparing(Package::location);

  @Override
  public int compareTo(Package o) {
    return ORDER.compare(this, o);
  }
}
