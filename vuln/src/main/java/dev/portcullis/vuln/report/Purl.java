package dev.portcullis.vuln.report;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A Package URL as a VEX document names a product or a package: type, namespace and name compared
 * without case; a version when given; qualifiers kept for {@code pkg:oci} ({@code repository_url},
 * {@code tag}), the subpath dropped.
 *
 * @param namespace empty when the PURL has none
 * @param version absent: every version
 */
public record Purl(String type, String namespace, String name, @Nullable String version, Map<String, String> qualifiers) {
  public Purl {
    type = type.toLowerCase(Locale.ROOT);
    qualifiers = Map.copyOf(new TreeMap<>(qualifiers));
    if (type.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("a package URL has a type and a name");
    }
  }

  /** The Package URL {@code text} spells, if it is one. */
  public static Optional<Purl> parse(String text) {
    if (!text.startsWith("pkg:")) {
      return Optional.empty();
    }
    try {
      PackageURL p = new PackageURL(text);
      String version = p.getVersion() == null || p.getVersion().isEmpty() ? null : p.getVersion();
      Map<String, String> qualifiers = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
      return Optional.of(new Purl(p.getType(), p.getNamespace() == null ? "" : p.getNamespace(), p.getName(), version, qualifiers));
    } catch (MalformedPackageURLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether this names an image ({@code pkg:oci}) rather than a package. */
  public boolean isImage() {
    return type.equals("oci");
  }

  /** Whether this, as a pattern, covers the package {@code p}: same type, namespace and name, and version when this has one. */
  public boolean covers(Purl p) {
    return type.equals(p.type) && namespace.equalsIgnoreCase(p.namespace) && name.equalsIgnoreCase(p.name)
        && (version == null || version.equalsIgnoreCase(String.valueOf(p.version)));
  }

  @Override
  public String toString() {
    return "pkg:" + type + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name + (version == null ? "" : "@" + version);
  }
}
