package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A tiny runnable image for the container engines' tests: Debian's static busybox ({@code busybox-static}, fetched
 * once with {@code apt-get download} and cached under {@code ~/.cache/portcullis-test/busybox-static-1}) as {@code
 * /bin/busybox} with the applets {@code true}, {@code false}, {@code sh}, {@code echo}, {@code cat}, {@code id},
 * {@code sleep} and {@code ls} beside it, {@code PATH=/bin}, default command {@code /bin/true}. Every distinct
 * {@code variant} gives an image of its own digest (a second layer holds {@code /etc/portcullis-variant}), over the
 * same busybox layer; the same variant always gives the same digest.
 */
public final class BusyboxImage {
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(3);
  private static final List<String> APPLETS = List.of("true", "false", "sh", "echo", "cat", "id", "sleep", "ls");
  private static final Pattern VARIANT = Pattern.compile("[A-Za-z0-9._:/@-]{1,200}");

  /** An image pushed to a registry: {@code reference} is {@code HOST/REPO:TAG}, {@code digest} its manifest's. */
  public record Pushed(String reference, String digest) {
    public Pushed {
      if (!digest.matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException("not a sha256 digest: " + digest);
      }
    }

    /** {@code HOST/REPO@sha256:...}. */
    public String digestReference() {
      int colon = reference.lastIndexOf(':');
      String repository = colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
      return repository + "@" + digest;
    }
  }

  private BusyboxImage() {}

  /** The static busybox executable, downloaded from the Debian archive apt uses on first call and cached. */
  public static Path binary() throws IOException {
    Path dir = TestCache.cached("busybox-static-1", "root", work -> {
      Path debs = Files.createDirectories(work.resolve("deb"));
      // apt-get download writes into its working directory
      Tools.run(APT_TIMEOUT, List.of("sh", "-c", "cd \"$1\" && apt-get download -q busybox-static", "sh", debs.toString()));
      Path deb;
      try (var files = Files.list(debs)) {
        deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst()
            .orElseThrow(() -> new IOException("apt-get download busybox-static left no .deb in " + debs));
      }
      Tools.run(APT_TIMEOUT, "dpkg-deb", "-x", deb.toString(), work.resolve("tree").toString());
      Files.move(work.resolve("tree/bin/busybox"), work.resolve("busybox"));
      Dirs.deleteTree(work.resolve("tree"));
      Dirs.deleteTree(debs);
    });
    Path busybox = dir.resolve("busybox");
    if (!Files.isExecutable(busybox)) {
      throw new IOException("busybox image: the cached " + busybox + " is missing or not executable; delete " + dir.getParent());
    }
    return busybox;
  }

  /** Writes the image for {@code variant} into an OCI layout at {@code dir}, named {@code tag}; returns the manifest digest. */
  public static String writeLayout(Path dir, String tag, String variant) throws IOException {
    if (!VARIANT.matcher(variant).matches()) {
      throw new IllegalArgumentException("busybox image: a variant is 1-200 characters of [A-Za-z0-9._:/@-], not " + variant);
    }
    LayerBuilder base = new LayerBuilder().dir("bin").dir("etc").dir("tmp", 01777)
        .file("bin/busybox", Files.readAllBytes(binary()), 0755);
    for (String applet : APPLETS) {
      base.symlink("bin/" + applet, "busybox");
    }
    LayerBuilder marker = new LayerBuilder().file("etc/portcullis-variant", variant + "\n");
    return new OciLayoutBuilder()
        .layer(base.build(), OciLayoutBuilder.Compression.GZIP, "COPY busybox-static /bin/")
        .layer(marker.build(), OciLayoutBuilder.Compression.GZIP, "COPY variant /etc/portcullis-variant")
        .config("\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"/bin/true\"]")
        .refName(tag)
        .write(dir);
  }

  /**
   * Pushes the image of {@code repository:tag} (its variant is that name) to {@code registry} over plain HTTP or
   * untrusted TLS with skopeo; returns where it is and its digest as the registry serves it.
   */
  public static Pushed push(RegistryProcess registry, String repository, String tag) throws IOException {
    Path work = Files.createTempDirectory("portcullis-busybox-");
    try {
      writeLayout(work.resolve("layout"), tag, repository + ":" + tag);
      String reference = registry.host() + "/" + repository + ":" + tag;
      Path digestFile = work.resolve("digest");
      Skopeo.copy("oci:" + work.resolve("layout") + ":" + tag, "docker://" + reference,
          List.of("--dest-tls-verify=false", "--digestfile", digestFile.toString()));
      return new Pushed(reference, Files.readString(digestFile).strip());
    } finally {
      Dirs.deleteTree(work);
    }
  }
}
