package dev.portcullis.catalog;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.core.Ecosystem;
import java.util.Map;

/** Canonical Package URLs, as the PURL spec encodes them. */
public final class PackageUrls {
  private PackageUrls() {}

  /** {@code pkg:TYPE/namespace/name@version}; an empty namespace is left out. Throws {@link IllegalArgumentException} for names the spec rejects. */
  public static String of(Ecosystem ecosystem, String namespace, String name, String version) {
    return of(ecosystem, namespace, name, version, Map.of());
  }

  /** As {@link #of(Ecosystem, String, String, String)}, with qualifiers ({@code vcs_url}), sorted as the canonical form sorts them. */
  public static String of(Ecosystem ecosystem, String namespace, String name, String version, Map<String, String> qualifiers) {
    try {
      PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType(ecosystem.purlType()).withName(name).withVersion(version);
      if (!namespace.isEmpty()) {
        b.withNamespace(namespace);
      }
      qualifiers.forEach(b::withQualifier);
      return b.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("no package URL for " + ecosystem.purlType() + " " + namespace + "/" + name + "@" + version + ": " + e.getMessage(), e);
    }
  }
}
