package dev.portcullis.bench;

import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The images of group {@code server}: many small application images on one shared base layer (as
 * the builds of one team share their base), and one image of about 1 GB of random, incompressible
 * layers for the pull gate's memory.
 */
final class ServerImages {
  /** What the base layer takes from the debootstrap root: its {@code etc}, the dpkg database, then binaries up to this size. */
  static final long BASE_BYTES = 8L << 20;

  private ServerImages() {}

  /** An OCI layout holding one image named {@code app}, and its manifest digest. */
  record Built(Path layout, String digest) {}

  /**
   * The shared base layer: every regular file of the root's {@code etc}, {@code var/lib/dpkg/status},
   * then regular files of {@code usr/bin} and {@code usr/lib/x86_64-linux-gnu} in path order until
   * {@link #BASE_BYTES}, with their modes. Returns the uncompressed tar.
   */
  static byte[] baseLayer(Path rootfs) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(rootfs.resolve("etc"))) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    files.add(rootfs.resolve("var/lib/dpkg/status"));
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    for (String dir : List.of("usr/bin", "usr/lib/x86_64-linux-gnu")) {
      List<Path> more;
      try (Stream<Path> s = Files.walk(rootfs.resolve(dir))) {
        more = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
      }
      for (Path f : more) {
        if (total >= BASE_BYTES) {
          break;
        }
        files.add(f);
        total += Files.size(f);
      }
    }
    LayerBuilder layer = new LayerBuilder();
    Set<String> dirs = new TreeSet<>();
    for (Path f : files) {
      Path rel = rootfs.relativize(f);
      for (Path d = rel.getParent(); d != null; d = d.getParent()) {
        dirs.add(d.toString());
      }
    }
    dirs.forEach(layer::dir);
    for (Path f : files) {
      layer.file(rootfs.relativize(f).toString(), Files.readAllBytes(f), mode(Files.getPosixFilePermissions(f)));
    }
    return layer.build();
  }

  private static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  /** Image {@code app-NN}: the base, then a small layer of its own (a start script, a package.json and a properties file). */
  static Built app(Path dir, byte[] base, String name) {
    Path layout = dir.resolve(name);
    byte[] top = new LayerBuilder().dir("srv").dir("srv/" + name)
        .file("srv/" + name + "/run", "#!/bin/sh\nexec /usr/bin/env " + name + "\n")
        .file("srv/" + name + "/package.json", "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"private\":true}\n")
        .file("srv/" + name + "/application.properties", "spring.application.name=" + name + "\nserver.port=8080\n")
        .build();
    String digest = new OciLayoutBuilder().refName("app")
        .config("\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin:/bin\"],\"Cmd\":[\"/srv/" + name + "/run\"]")
        .layer(base, Compression.GZIP, "ADD base.tar /")
        .layer(top, Compression.GZIP, "COPY " + name + "/ /srv/" + name + "/")
        .write(layout);
    return new Built(layout, digest);
  }

  /**
   * An image named {@code big} of {@code layers} layers, each a tar of {@code filesPerLayer} files
   * of {@code fileBytes} pseudo-random bytes (seeded), gzip-framed without compression (stored
   * blocks: random bytes do not compress, and deflating a gigabyte would only cost time). Written
   * as it is generated: never held in memory.
   */
  static Built random(Path layout, int layers, int filesPerLayer, long fileBytes, long seed) throws IOException {
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[1 << 16];
    List<String> layerDigests = new ArrayList<>();
    List<Long> layerSizes = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      Path tmp = blobs.resolve("layer.tmp");
      MessageDigest blob = sha256();
      MessageDigest diff = sha256();
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          DigestOutputStream blobOut = new DigestOutputStream(file, blob);
          GZIPOutputStream gz = new GZIPOutputStream(blobOut, 1 << 16) {
            {
              def.setLevel(Deflater.NO_COMPRESSION);
            }
          };
          DigestOutputStream diffOut = new DigestOutputStream(gz, diff);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(diffOut)) {
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry d = new TarArchiveEntry("data/", true);
        d.setMode(040755);
        tar.putArchiveEntry(d);
        tar.closeArchiveEntry();
        for (int f = 0; f < filesPerLayer; f++) {
          TarArchiveEntry e = new TarArchiveEntry(String.format(Locale.ROOT, "data/layer%d-file%d.bin", l, f), true);
          e.setMode(0100644);
          e.setSize(fileBytes);
          tar.putArchiveEntry(e);
          for (long left = fileBytes; left > 0; ) {
            random.nextBytes(block);
            int n = (int) Math.min(block.length, left);
            tar.write(block, 0, n);
            left -= n;
          }
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
      String hex = HexFormat.of().formatHex(blob.digest());
      Files.move(tmp, blobs.resolve(hex));
      layerDigests.add("sha256:" + hex);
      layerSizes.add(Files.size(blobs.resolve(hex)));
      diffIds.add("sha256:" + HexFormat.of().formatHex(diff.digest()));
    }
    StringBuilder config = new StringBuilder("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1000\",\"Cmd\":[\"/bin/true\"]},")
        .append("\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
    for (int i = 0; i < diffIds.size(); i++) {
      config.append(i == 0 ? "" : ",").append('"').append(diffIds.get(i)).append('"');
    }
    config.append("]},\"history\":[");
    for (int i = 0; i < layers; i++) {
      config.append(i == 0 ? "" : ",").append("{\"created_by\":\"COPY data").append(i).append(" /data/\"}");
    }
    config.append("]}");
    String configDigest = write(blobs, config.toString());
    StringBuilder manifest = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",")
        .append("\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"").append(configDigest)
        .append("\",\"size\":").append(config.toString().getBytes(StandardCharsets.UTF_8).length).append("},\"layers\":[");
    for (int i = 0; i < layers; i++) {
      manifest.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(layerDigests.get(i)).append("\",\"size\":").append(layerSizes.get(i)).append('}');
    }
    manifest.append("]}");
    String manifestDigest = write(blobs, manifest.toString());
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.toString().getBytes(StandardCharsets.UTF_8).length
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"big\"}}]}");
    return new Built(layout, manifestDigest);
  }

  private static String write(Path blobs, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    String hex = HexFormat.of().formatHex(sha256().digest(bytes));
    Files.write(blobs.resolve(hex), bytes);
    return "sha256:" + hex;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }
}
