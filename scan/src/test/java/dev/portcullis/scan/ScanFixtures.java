package dev.portcullis.scan;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Manifest;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Four small images on one shared Debian base layer, each with what one scanner finds (vulnerable
 * npm packages, a token in a file, a config that runs as root, a debug setting), uncompressed so
 * that a layer's blob size is the number of bytes its tar streams; and a database of two advisories.
 */
final class ScanFixtures {
  static final List<String> NAMES = List.of("lodash", "token", "root", "debug");

  private ScanFixtures() {}

  static LayerBuilder base() {
    return new LayerBuilder().dir("etc")
        .file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
        .dir("var").dir("var/lib").dir("var/lib/dpkg")
        .file("var/lib/dpkg/status", "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nSource: zlib\nArchitecture: amd64\n\n"
            + "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n");
  }

  private static String npm(String name, String version) {
    return "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"license\":\"MIT\"}";
  }

  /** Writes the four images into {@code dir}, each in its own layout; the sources, by name. */
  static Map<String, ImageSource> write(Path dir) {
    Map<String, ImageSource> out = new java.util.LinkedHashMap<>();
    byte[] base = base().build();
    String token = "ghp_" + "F1xtureT0ken".repeat(3);
    for (String name : NAMES) {
      LayerBuilder app = new LayerBuilder().dir("app").dir("app/node_modules");
      String config = "\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"node\",\"index.js\"],\"WorkingDir\":\"/app\"";
      switch (name) {
        case "lodash" -> app.dir("app/node_modules/lodash").file("app/node_modules/lodash/package.json", npm("lodash", "4.17.20"))
            .dir("app/node_modules/minimist").file("app/node_modules/minimist/package.json", npm("minimist", "1.2.5"));
        case "token" -> app.file("app/config.js", "module.exports = { token: '" + token + "' };\n");
        case "root" -> config = "\"User\":\"root\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"node\",\"index.js\"]";
        case "debug" -> app.file("app/index.js", "require('inspector').open(9229, '0.0.0.0');\n")
            .dir("app/node_modules/lodash").file("app/node_modules/lodash/package.json", npm("lodash", "4.17.21"));
        default -> throw new IllegalArgumentException(name);
      }
      Path layout = dir.resolve(name);
      new OciLayoutBuilder().refName(name).config(config)
          .layer(base, Compression.NONE, "ADD rootfs.tar /")
          .layer(app.build(), Compression.NONE, "COPY . /app")
          .write(layout);
      out.put(name, ImageSource.parse("oci-dir:" + layout + ":" + name));
    }
    return out;
  }

  /** A database of the two fixture advisories, built at a fixed time. */
  static Path database(Path dir) throws IOException {
    return database(dir.resolve("vuln.db"), osv());
  }

  /** A database of the fixture advisory {@code file} alone ({@code GHSA-test-minimist.json}), at {@code db}. */
  static Path databaseOf(Path db, String file) throws IOException {
    Path only = Files.createDirectories(db.resolveSibling(db.getFileName() + ".osv"));
    Files.copy(osv().resolve(file), only.resolve(file));
    return database(db, only);
  }

  private static Path database(Path db, Path osv) throws IOException {
    new DatabaseImporter(ImportOptions.defaults().withClock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC)))
        .importInto(db, List.of(osv));
    return db;
  }

  private static Path osv() {
    try {
      return Path.of(ScanFixtures.class.getResource("osv").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens {@code source} with every layer's reads counted: bytes per layer digest, and opens per layer digest. */
  static CountedImage open(ImageSource source, ReadOptions options) throws IOException {
    return new CountedImage(Images.open(source, options));
  }

  /** An image whose layers count what is read from them. */
  static class CountedImage implements Image {
    final Map<Digest, AtomicLong> bytes = new ConcurrentHashMap<>();
    final Map<Digest, AtomicLong> opens = new ConcurrentHashMap<>();
    private final Image image;

    CountedImage(Image image) {
      this.image = image;
    }

    @Override public String name() { return image.name(); }
    @Override public Digest digest() { return image.digest(); }
    @Override public List<Digest> indexDigests() { return image.indexDigests(); }
    @Override public Manifest manifest() { return image.manifest(); }
    @Override public byte[] rawManifest() { return image.rawManifest(); }
    @Override public ImageConfig config() { return image.config(); }
    @Override public byte[] rawConfig() { return image.rawConfig(); }
    @Override public List<SkippedLayer> skippedLayers() { return image.skippedLayers(); }
    @Override public void close() throws IOException { image.close(); }

    @Override
    public List<Layer> layers() {
      return image.layers().stream().map(l -> (Layer) new CountedLayer(l)).toList();
    }

    long bytesRead(Layer layer) {
      return bytes.getOrDefault(layer.digest(), new AtomicLong()).get();
    }

    long opened(Layer layer) {
      return opens.getOrDefault(layer.digest(), new AtomicLong()).get();
    }

    private final class CountedLayer implements Layer {
      private final Layer layer;

      CountedLayer(Layer layer) {
        this.layer = layer;
      }

      @Override public int index() { return layer.index(); }
      @Override public Digest digest() { return layer.digest(); }
      @Override public Digest diffId() { return layer.diffId(); }
      @Override public long size() { return layer.size(); }
      @Override public String mediaType() { return layer.mediaType(); }
      @Override public Optional<String> createdBy() { return layer.createdBy(); }

      @Override
      public InputStream open() throws IOException {
        opens.computeIfAbsent(layer.digest(), d -> new AtomicLong()).incrementAndGet();
        AtomicLong counter = bytes.computeIfAbsent(layer.digest(), d -> new AtomicLong());
        return new FilterInputStream(layer.open()) {
          @Override
          public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
              counter.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
              counter.addAndGet(n);
            }
            return n;
          }

          @Override
          public long skip(long n) throws IOException {
            long s = in.skip(n);
            counter.addAndGet(s);
            return s;
          }
        };
      }
    }
  }
}
