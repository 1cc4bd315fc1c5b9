package dev.portcullis.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives {@code skopeo} (1.9 in Debian 12), the independent client the integration tests compare
 * against. References use the containers transports: {@code oci:DIR:NAME}, {@code
 * oci-archive:FILE:NAME}, {@code docker-archive:FILE:REPO:TAG}, {@code docker://HOST/REPO:TAG}.
 */
public final class Skopeo {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private Skopeo() {}

  /** Extra flags of {@code skopeo copy}. */
  public enum CopyOption {
    /**
     * Recompress every layer as zstd ({@code --dest-compress-format zstd}); into an {@code oci:}
     * layout skopeo 1.9 recompresses gzip layers with it alone, {@code --dest-compress} is not needed.
     */
    ZSTD("--dest-compress-format", "zstd"),
    /** Keep uncompressed layers uncompressed in an {@code oci:} destination instead of gzipping them. */
    ACCEPT_UNCOMPRESSED("--dest-oci-accept-uncompressed-layers"),
    /** Talk plain HTTP or untrusted TLS to a registry destination. */
    DEST_NO_TLS_VERIFY("--dest-tls-verify=false"),
    /** Talk plain HTTP or untrusted TLS to a registry source. */
    SRC_NO_TLS_VERIFY("--src-tls-verify=false");

    private final List<String> flags;

    CopyOption(String... flags) {
      this.flags = List.of(flags);
    }
  }

  /**
   * Copies an image between transports. The system signature policy is not consulted ({@code
   * --insecure-policy}): these are the tests' own images.
   */
  public static void copy(String source, String destination, CopyOption... options) throws IOException {
    List<String> flags = new ArrayList<>();
    for (CopyOption o : options) {
      flags.addAll(o.flags);
    }
    copy(source, destination, flags);
  }

  /** As {@link #copy(String, String, CopyOption...)} with any of skopeo's copy flags ({@code --all}, {@code --dest-creds U:P}). */
  public static void copy(String source, String destination, List<String> flags) throws IOException {
    Tools.require("skopeo");
    List<String> c = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet"));
    c.addAll(flags);
    c.add(source);
    c.add(destination);
    Tools.run(TIMEOUT, c);
  }

  /** {@code skopeo inspect [flags] REF}: skopeo's JSON summary (digest, layers, config fields). */
  public static byte[] inspect(String reference, String... flags) throws IOException {
    return inspect(reference, flags, new String[0]);
  }

  /**
   * The manifest exactly as the transport stores it ({@code inspect --raw}). For a {@code
   * docker-archive:} that holds no manifest, it is the one skopeo synthesises: layer digests are
   * the digests of the stored (usually uncompressed) layer files.
   */
  public static byte[] rawManifest(String reference, String... flags) throws IOException {
    return inspect(reference, flags, "--raw");
  }

  /** The image config exactly as stored ({@code inspect --config --raw}). */
  public static byte[] rawConfig(String reference, String... flags) throws IOException {
    return inspect(reference, flags, "--config", "--raw");
  }

  private static byte[] inspect(String reference, String[] flags, String... what) throws IOException {
    Tools.require("skopeo");
    List<String> c = new ArrayList<>(List.of("skopeo", "inspect"));
    c.addAll(List.of(what));
    c.addAll(List.of(flags));
    c.add(reference);
    return Tools.run(TIMEOUT, c).stdout();
  }
}
