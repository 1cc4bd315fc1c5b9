package dev.portcullis.testkit.archfixture.api;

import dev.portcullis.testkit.archfixture.cycle.Left;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** The other half of the cycle, and an API type that exposes a third-party type in a type argument. */
public final class Right {
  private Right() {}

  public static List<TarArchiveEntry> entries() {
    return List.of();
  }

  /** Not API: package-private members may use what they like. */
  static TarArchiveEntry entry() {
    return new TarArchiveEntry("x");
  }

  static String left() {
    return Left.class.getName();
  }
}
