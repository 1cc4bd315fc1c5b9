package dev.portcullis.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The fixture images, made by real tools from the Dockerfiles under {@code
 * dev/portcullis/testkit/images/NAME/}, built on first use and kept for the rest of the JVM (one
 * test run) in a temporary directory deleted when it exits. The debootstrap image is cached
 * between runs (see {@link Debootstrap}).
 */
public final class TestImages {
  /** The buildah storage driver of the fixtures: the only one here that writes opaque directories. */
  public static final Buildah.Driver DRIVER = Buildah.Driver.OVERLAY;

  /** A fixture image in an OCI layout, named {@code tag} in its index. */
  public record TestImage(String name, Path layout, String tag) {
    public TestImage {
      if (name.isBlank() || tag.isBlank()) {
        throw new IllegalArgumentException("a test image needs a name and a tag");
      }
    }

    /** In Portcullis' source syntax: {@code oci-dir:PATH:TAG}. */
    public String source() {
      return "oci-dir:" + layout + ":" + tag;
    }

    /** In the containers transports syntax of skopeo and buildah: {@code oci:PATH:TAG}. */
    public String transportRef() {
      return "oci:" + layout + ":" + tag;
    }
  }

  private static @Nullable Path workDir;
  private static @Nullable TestImage whiteouts;
  private static @Nullable TestImage links;

  private TestImages() {}

  /**
   * {@code whiteouts}: files added by COPY and deleted by a later RUN (whiteouts), a base-image
   * file deleted, a directory deleted whole, {@code /data} emptied and refilled (an opaque
   * directory), a directory replaced by a file and a file by a directory; plus user, env,
   * entrypoint, cmd, ports, labels and working directory in the config.
   */
  public static synchronized TestImage whiteouts() throws IOException {
    if (whiteouts == null) {
      whiteouts = build("whiteouts", (layout, tag) -> {});
    }
    return whiteouts;
  }

  /**
   * {@code links}: hardlinks within a layer and to a file of the base layer, a symlink chain,
   * absolute and relative symlinks, a dangling one, a loop, a FIFO, a symlinked directory ({@code
   * /opt/current -> /opt/v2}) written through by RUN, COPY and, last, by {@code umoci insert},
   * whose tar entry {@code opt/current/added-by-umoci} names the symlink itself.
   */
  public static synchronized TestImage links() throws IOException {
    if (links == null) {
      links = build("links", (layout, tag) -> Umoci.insert(layout, tag, context("links").resolve("added-by-umoci"), "/opt/current/added-by-umoci", false));
    }
    return links;
  }

  /** The debootstrap image: one layer, a real Debian root file system. */
  public static TestImage debootstrap() throws IOException {
    return new TestImage("debootstrap", Debootstrap.layout(), Debootstrap.TAG);
  }

  public static List<TestImage> all() throws IOException {
    return List.of(whiteouts(), links(), debootstrap());
  }

  /** A directory for this run's images; deleted when the JVM exits. */
  public static synchronized Path workDir() throws IOException {
    if (workDir == null) {
      Path dir = Files.createTempDirectory("portcullis-test-images-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Dirs.deleteTree(dir);
        } catch (IOException ignored) {
          // the JVM is going away; a leftover temporary directory is all that remains
        }
      }, "delete " + dir));
      workDir = dir;
    }
    return workDir;
  }

  private interface AfterBuild {
    void apply(Path layout, String tag) throws IOException;
  }

  private static TestImage build(String name, AfterBuild after) throws IOException {
    Path base = baseLink();
    Path context = context(name);
    Path layout = workDir().resolve(name).resolve("layout");
    String tag = "localhost/portcullis-test/" + name + ":latest";
    try (Buildah buildah = Buildah.create(workDir().resolve(name), DRIVER)) {
      buildah.bud(context, tag, Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG));
      buildah.push(tag, "oci:" + layout + ":" + name);
    }
    after.apply(layout, name);
    return new TestImage(name, layout, name);
  }

  /**
   * The debootstrap layout under a plain path: buildah names an {@code oci:} base after its path,
   * and a path with a dot-led part ({@code ~/.cache}) is not a valid image name.
   */
  private static synchronized Path baseLink() throws IOException {
    Path link = workDir().resolve("bookworm");
    if (!Files.isSymbolicLink(link)) {
      Files.createSymbolicLink(link, Debootstrap.layout());
    }
    return link;
  }

  /** The build context of fixture {@code name}, copied out of the class path once. */
  private static synchronized Path context(String name) throws IOException {
    Path target = workDir().resolve(name).resolve("context");
    if (Files.isDirectory(target)) {
      return target;
    }
    String resource = "images/" + name + "/Dockerfile";
    URL url = TestImages.class.getResource(resource);
    if (url == null) {
      throw new IOException("build test image " + name + ": no " + resource + " next to " + TestImages.class.getName() + " on the class path");
    }
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("build test image " + name + ": bad resource URL " + url, e);
    }
    if (uri.getScheme().equals("jar")) {
      FileSystem fs;
      boolean opened = false;
      try {
        fs = FileSystems.newFileSystem(uri, Map.of());
        opened = true;
      } catch (FileSystemAlreadyExistsException e) {
        fs = FileSystems.getFileSystem(uri);
      }
      try {
        copyTree(fs.provider().getPath(uri).getParent(), target);
      } finally {
        if (opened) {
          fs.close();
        }
      }
    } else {
      copyTree(Path.of(uri).getParent(), target);
    }
    return target;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
  }
}
