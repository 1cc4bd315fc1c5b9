package dev.portcullis.catalog.golang;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A module line of Go build info: {@code mod} or {@code dep}, with the {@code =>} line that
 * replaced it, if any. {@code version} is {@code (devel)} for a main module built from a work
 * tree; {@code sum} is empty when the build info has none (main module, local replacements).
 */
public record GoModule(String path, String version, String sum, @Nullable GoModule replacement) {
  public GoModule {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("a Go module needs a path");
    }
  }

  public Optional<GoModule> replacementIfAny() {
    return Optional.ofNullable(replacement);
  }

  /** The module whose code was built: the replacement if there is one. */
  public GoModule effective() {
    return replacement == null ? this : replacement;
  }

  GoModule replacedBy(GoModule r) {
    return new GoModule(path, version, sum, r);
  }
}
