package dev.portcullis.catalog.php;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * PHP packages PEAR (and PECL) installed, from PEAR's registry: one {@code .reg} file per package
 * in {@code php/.registry/} (pear.php.net's packages) or {@code php/.registry/.channel.CHANNEL/},
 * each a PHP-serialized array whose {@code name}, {@code channel} and {@code version.release}
 * (package.xml 2.0) or {@code package} and {@code version} (package.xml 1.0) name it. The PURL is
 * {@code pkg:pear/CHANNEL/NAME@VERSION}. A file that does not unserialize, or names no package and
 * version, is one unknown.
 */
public final class PearCataloger extends FileCataloger {
  public static final String NAME = "php-pear-cataloger";

  public PearCataloger() {
    super(NAME, WholeFiles.matching("php-pear-registry", "**/php/.registry/*.reg", "**/php/.registry/.channel.*/*.reg"), PearCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    if (!(PhpSerialized.read(content) instanceof Map<?, ?> reg)) {
      throw new IllegalArgumentException("not a serialized array: not a PEAR registry file");
    }
    Object version = reg.get("version");
    String name = text(reg.containsKey("name") ? reg.get("name") : reg.get("package"));
    String release = version instanceof Map<?, ?> v ? text(v.get("release")) : text(version);
    String channel = reg.containsKey("channel") ? text(reg.get("channel")) : "pear.php.net";
    if (name.isBlank() || release.isBlank() || channel.isBlank()) {
      throw new IllegalArgumentException("no package name, channel or release version");
    }
    Map<String, String> metadata = new TreeMap<>();
    if (reg.get("stability") instanceof Map<?, ?> stability && !text(stability.get("release")).isEmpty()) {
      metadata.put("stability", text(stability.get("release")));
    }
    if (reg.get("license") instanceof Map<?, ?> license) {
      String l = text(license.get("_content"));
      if (!l.isEmpty()) {
        metadata.put("license", l);
      }
    } else if (!text(reg.get("license")).isEmpty()) {
      metadata.put("license", text(reg.get("license")));
    }
    return List.of(new Package(name, channel, release, Ecosystem.PEAR, PackageUrls.of(Ecosystem.PEAR, channel, name, release), NAME, List.of(location),
        null, null, metadata));
  }

  private static String text(@Nullable Object value) {
    return value instanceof String s ? s.strip() : "";
  }
}
