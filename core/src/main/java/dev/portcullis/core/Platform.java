package dev.portcullis.core;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An OCI platform ({@code os/architecture[/variant]}) with the architecture names the image spec
 * uses ({@code amd64}, {@code arm64}, {@code arm}, ...).
 */
public record Platform(String os, String architecture, @Nullable String variant) {

  public Platform {
    if (os.isBlank() || architecture.isBlank()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
    if (variant != null && variant.isBlank()) {
      variant = null;
    }
  }

  /** Parses {@code os/arch[/variant]}, for example {@code linux/arm64/v8}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("invalid platform '" + text + "': expected os/arch[/variant]");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** The platform this JVM runs on, in OCI names. */
  public static Platform host() {
    String arch =
        switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "arm" -> "arm";
          case "x86", "i386", "i686" -> "386";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          case String other -> other;
        };
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT).startsWith("windows") ? "windows" : "linux";
    return new Platform(os, arch, null);
  }

  public Optional<String> variantIfAny() {
    return Optional.ofNullable(variant);
  }

  /**
   * Whether an image for {@code candidate} satisfies a request for this platform. A request
   * without a variant accepts any variant; {@code arm64} without a variant equals {@code arm64/v8}.
   */
  public boolean accepts(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    if (variant == null) {
      return true;
    }
    return variant.equals(normalVariant(candidate));
  }

  private static @Nullable String normalVariant(Platform p) {
    if (p.variant == null && p.architecture.equals("arm64")) {
      return "v8";
    }
    return p.variant;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
