package dev.portcullis.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where something was found in an image: an absolute path, possibly virtual inside archives
 * ({@code /app/app.jar!/BOOT-INF/lib/x.jar}), and the layer that brought the file. A location read
 * back from an SBOM that did not say which layer has index -1 and no diffID.
 */
public record Location(String path, int layerIndex, @Nullable Digest layerDiffId) implements Comparable<Location> {
  public Location {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("location path must be absolute: " + path);
    }
  }

  public Optional<Digest> layerDiffIdIfAny() {
    return Optional.ofNullable(layerDiffId);
  }

  /** A path inside the archive at this location: {@code /a.jar} and {@code META-INF/x} give {@code /a.jar!/META-INF/x}. */
  public Location inside(String entry) {
    return new Location(path + "!/" + (entry.startsWith("/") ? entry.substring(1) : entry), layerIndex, layerDiffId);
  }

  @Override
  public int compareTo(Location o) {
    int c = path.compareTo(o.path);
    return c != 0 ? c : Integer.compare(layerIndex, o.layerIndex);
  }
}
