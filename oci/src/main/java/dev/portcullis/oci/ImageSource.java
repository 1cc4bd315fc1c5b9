package dev.portcullis.oci;

import dev.portcullis.core.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where an image comes from, in the source syntax Syft and Trivy users know: {@code oci-dir:PATH},
 * {@code oci-archive:PATH}, {@code docker-archive:PATH}, {@code registry:REF}, {@code dir:PATH}, or a bare argument
 * that is detected (an existing path is a layout or an archive, anything else a registry reference).
 * A path may end in {@code :NAME} to pick an image by its {@code org.opencontainers.image.ref.name}
 * or, in a docker archive, by its repo tag.
 */
public sealed interface ImageSource {

  /** The source as the user would write it. */
  String describe();

  record OciLayout(Path dir, @Nullable String refName) implements ImageSource {
    @Override
    public String describe() {
      return "oci-dir:" + dir + (refName == null ? "" : ":" + refName);
    }
  }

  record OciArchive(Path file, @Nullable String refName) implements ImageSource {
    @Override
    public String describe() {
      return "oci-archive:" + file + (refName == null ? "" : ":" + refName);
    }
  }

  record DockerArchive(Path file, @Nullable String tag) implements ImageSource {
    @Override
    public String describe() {
      return "docker-archive:" + file + (tag == null ? "" : ":" + tag);
    }
  }

  record Remote(ImageRef ref) implements ImageSource {
    @Override
    public String describe() {
      return "registry:" + ref;
    }
  }

  /**
   * A directory read as a one-layer image: a project with lock files, or an extracted root file
   * system. Never detected from a bare path (a bare directory must be an OCI layout), only named.
   */
  record Directory(Path dir) implements ImageSource {
    @Override
    public String describe() {
      return "dir:" + dir;
    }
  }

  /** Parses the source syntax; throws {@link IllegalArgumentException} with a one-line reason. */
  static ImageSource parse(String text) {
    int colon = text.indexOf(':');
    String scheme = colon > 0 ? text.substring(0, colon) : "";
    String rest = colon > 0 ? text.substring(colon + 1) : text;
    return switch (scheme) {
      case "oci-dir", "oci" -> {
        PathAndName p = splitName(rest);
        yield new OciLayout(p.path, p.name);
      }
      case "oci-archive" -> {
        PathAndName p = splitName(rest);
        yield new OciArchive(p.path, p.name);
      }
      case "docker-archive" -> {
        PathAndName p = splitName(rest);
        yield new DockerArchive(p.path, p.name);
      }
      case "dir" -> {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("missing path in image source '" + text + "'");
        }
        yield new Directory(Path.of(rest));
      }
      case "sbom" -> throw new IllegalArgumentException("'" + text + "' is an SBOM, not an image: only commands that catalog (portcullis sbom) take it");
      case "registry", "docker" -> new Remote(ImageRef.parse(rest.startsWith("//") ? rest.substring(2) : rest));
      default -> detect(text);
    };
  }

  private static ImageSource detect(String text) {
    PathAndName p = splitName(text);
    Path path = p.path;
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("index.json")) || Files.isRegularFile(path.resolve("oci-layout"))) {
        return new OciLayout(path, p.name);
      }
      throw new IllegalArgumentException("'" + text + "' is a directory but not an OCI image layout (no index.json)");
    }
    if (Files.isRegularFile(path)) {
      return SourceDetection.archive(path, p.name);
    }
    if (text.startsWith("/") || text.startsWith("./") || text.startsWith("../") || text.startsWith("~")) {
      throw new IllegalArgumentException("read " + text + ": no such file or directory");
    }
    return new Remote(ImageRef.parse(text));
  }

  /** Splits {@code path[:name]} at the first colon whose left part is an existing path. */
  private static PathAndName splitName(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("missing path in image source");
    }
    if (!Files.exists(Path.of(text))) {
      for (int colon = text.indexOf(':'); colon > 0; colon = text.indexOf(':', colon + 1)) {
        Path path = Path.of(text.substring(0, colon));
        if (Files.exists(path)) {
          return new PathAndName(path, text.substring(colon + 1));
        }
      }
    }
    return new PathAndName(Path.of(text), null);
  }

  /** A path and an optional image name within it. */
  record PathAndName(Path path, @Nullable String name) {}
}
