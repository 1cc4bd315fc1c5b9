package dev.portcullis.cli;

import dev.portcullis.core.Platform;
import dev.portcullis.oci.EngineOptions;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.LayerCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every image command takes: output, registry access, limits, cache. */
final class CommonOptions {
  enum Format {
    TABLE("table"),
    JSON("json"),
    CYCLONEDX_JSON("cyclonedx-json"),
    SPDX_JSON("spdx-json"),
    SARIF("sarif"),
    CYCLONEDX_VDR("cyclonedx-vdr");

    final String text;

    Format(String text) {
      this.text = text;
    }

    static Format parse(String text) {
      for (Format f : values()) {
        if (f.text.equalsIgnoreCase(text)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown format '" + text + "' (table, json, cyclonedx-json, spdx-json, sarif, cyclonedx-vdr)");
    }
  }

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "Output format on stdout: table or json (sbom also cyclonedx-json, spdx-json; scan also sarif, cyclonedx-vdr); default table.",
      defaultValue = "table")
  Format format = Format.TABLE;

  /** Reads {@code --format} values as users write them. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      return Format.parse(value);
    }
  }

  @Option(names = {"-q", "--quiet"}, description = "No progress and no warnings on stderr.")
  boolean quiet;

  @Option(names = "--debug", description = "Show stack traces of errors.")
  boolean debug;

  @Option(names = "--platform", paramLabel = "os/arch[/variant]", description = "Platform to pick from a multi-platform image (default: this machine's).")
  @Nullable String platform;

  @Mixin RegistryFlags registry = new RegistryFlags();

  @Option(names = "--storage-root", paramLabel = "DIR",
      description = "The containers-storage store that containers-storage: reads (default: podman's, /var/lib/containers/storage as root).")
  @Nullable Path storageRoot;

  @Option(names = "--docker-host", paramLabel = "unix:///PATH",
      description = "The Docker engine's socket that docker: reads (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  @Nullable String dockerHost;

  @Option(names = "--max-image-size", paramLabel = "SIZE", description = "Refuse images larger than this uncompressed (e.g. 8g, 512m; default 32g).")
  @Nullable String maxImageSize;

  @Option(names = "--max-entries", paramLabel = "N", description = "Refuse images with more tar entries than this over all layers (default 5000000).")
  @Nullable Long maxEntries;

  @Option(names = "--max-archive-entries", paramLabel = "N",
      description = "Refuse oci-archive and docker-archive files whose outer tar has more entries than this (default 100000).")
  @Nullable Long maxArchiveEntries;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where per-layer results are cached (default: ~/.cache/portcullis/layers).")
  @Nullable Path cacheDir;

  @Option(names = "--no-cache", description = "Neither read nor write the layer cache.")
  boolean noCache;

  ReadOptions readOptions(PrintStream err, InputStream stdin) throws IOException {
    ReadOptions o = ReadOptions.defaults();
    if (platform != null) {
      o = o.withPlatform(Platform.parse(platform));
    }
    o = o.withLimits(limits());
    o = o.withRegistry(registry.registryOptions(stdin));
    return o.withEngines(engines()).withListener(listener(err));
  }

  /** Where the local engines are: the options, else the environment as podman and the docker client read it. */
  EngineOptions engines() {
    EngineOptions e = EngineOptions.forUser(System.getenv());
    if (storageRoot != null) {
      e = e.withStorageRoot(storageRoot);
    }
    return dockerHost == null ? e : e.withDockerHost(dockerHost);
  }

  ProgressListener listener(PrintStream err) {
    if (quiet) {
      return ProgressListener.NONE;
    }
    return new ConsoleProgress(err, Boolean.getBoolean("portcullis.stderr.tty"));
  }

  @Nullable LayerCache cache() {
    return noCache ? null : new LayerCache(cacheDir != null ? cacheDir : LayerCache.defaultDir());
  }

  Limits limits() {
    Limits l = maxImageSize == null ? Limits.DEFAULT : Limits.DEFAULT.withMaxImageBytes(parseSize(maxImageSize));
    if (maxEntries != null) {
      l = l.withMaxEntries(positive("--max-entries", maxEntries));
    }
    if (maxArchiveEntries != null) {
      l = l.withMaxArchiveEntries(positive("--max-archive-entries", maxArchiveEntries));
    }
    return l;
  }

  private static long positive(String option, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be a positive number, not " + value);
    }
    return value;
  }

  static long parseSize(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty()) {
      char last = t.charAt(t.length() - 1);
      unit = switch (last) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        case 'g' -> 1L << 30;
        case 't' -> 1L << 40;
        default -> 1;
      };
      if (unit > 1) {
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("invalid size '" + text + "': expected a positive number with an optional k, m, g or t suffix");
    }
  }
}
