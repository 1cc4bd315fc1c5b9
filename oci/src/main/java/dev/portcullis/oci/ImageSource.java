package dev.portcullis.oci;

import dev.portcullis.core.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where an image comes from, in the source syntax Syft and Trivy users know: {@code oci-dir:PATH},
  * {@code oci-archive:PATH}, {@code docker-archive:PATH}, {@code registry:REF} (also {@code docker://REF}),
  * {@code containers-storage:[STORE]NAME|ID} (podman's and buildah's local store, read from its files),
  * {@code docker:NAME} (a Docker engine, through its API socket), {@code dir:PATH}, or a bare argument that is detected
  * (an existing path is a layout or an archive, anything else a registry reference).
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
   * An image in a containers-storage store (podman, buildah, CRI-O), named as podman names it: a full or short name
   * ({@code alpine} is {@code localhost/alpine:latest} or {@code docker.io/library/alpine:latest}), a name with a
   * digest, or a unique prefix of its ID.
   *
   * @param root the store's graph root from a {@code [STORE]} prefix; none: {@code --storage-root} or the default
   * @param driver the storage driver from a {@code [DRIVER@ROOT]} prefix; none: the one the store has
   */
  record ContainersStorage(@Nullable Path root, @Nullable String driver, String image) implements ImageSource {
    public ContainersStorage {
      if (image.isBlank()) {
        throw new IllegalArgumentException("containers-storage: missing image name or ID");
      }
      if (root != null && !root.isAbsolute()) {
        throw new IllegalArgumentException("containers-storage:[" + root + "]: the store's root must be an absolute path");
      }
    }

    @Override
    public String describe() {
      String store = root == null ? "" : "[" + (driver == null ? "" : driver + "@") + root + "]";
      return "containers-storage:" + store + image;
    }
  }

  /** An image in a Docker engine, read through its API socket ({@code --docker-host}, {@code DOCKER_HOST}). */
  record DockerEngine(String name) implements ImageSource {
    public DockerEngine {
      if (name.isBlank()) {
        throw new IllegalArgumentException("docker: missing image name or ID");
      }
    }

    @Override
    public String describe() {
      return "docker:" + name;
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
      case "registry" -> new Remote(ImageRef.parse(rest.startsWith("//") ? rest.substring(2) : rest));
      // docker://REF is a registry as in skopeo; docker:NAME is the engine as in Syft
      case "docker" -> rest.startsWith("//") ? new Remote(ImageRef.parse(rest.substring(2))) : new DockerEngine(rest);
      case "containers-storage" -> containersStorage(rest);
      default -> detect(text);
    };
  }

  /** {@code [DRIVER@ROOT+RUNROOT:OPTIONS]NAME} as containers/image writes it; the run root and options are not needed to read. */
  private static ContainersStorage containersStorage(String text) {
    if (!text.startsWith("[")) {
      return new ContainersStorage(null, null, text);
    }
    int close = text.indexOf(']');
    if (close < 0) {
      throw new IllegalArgumentException("containers-storage:" + text + ": the store has no closing ']'");
    }
    String store = text.substring(1, close);
    String driver = null;
    int at = store.indexOf('@');
    if (at >= 0) {
      driver = store.substring(0, at);
      store = store.substring(at + 1);
      if (!driver.matches("[a-z0-9]{1,32}")) {
        throw new IllegalArgumentException("containers-storage:" + text + ": '" + driver + "' is not a storage driver name");
      }
    }
    int end = store.length();
    for (char c : new char[] {'+', ':'}) {
      int i = store.indexOf(c);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    String root = store.substring(0, end);
    if (root.isEmpty()) {
      throw new IllegalArgumentException("containers-storage:" + text + ": the store names no root directory");
    }
    return new ContainersStorage(Path.of(root), driver, text.substring(close + 1));
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
