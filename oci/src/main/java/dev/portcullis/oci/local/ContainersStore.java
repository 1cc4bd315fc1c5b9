package dev.portcullis.oci.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.internal.BoundedInputStream;
import dev.portcullis.oci.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A containers-storage store (podman, buildah, CRI-O) read from its metadata files, never written: {@code
 * ROOT/DRIVER-containers/containers.json} lists the containers (the image each was made from), {@code
 * ROOT/DRIVER-images/images.json} the images (names, manifest digests, top layer, the names of their "big data"
 * items such as {@code manifest} and the config), {@code ROOT/DRIVER-layers/layers.json} the layers (parent,
 * uncompressed digest and size). The files are hostile input: each is read at most {@link #MAX_METADATA_BYTES}, IDs
 * are checked before they become file names, and no file is read through a symbolic link.
 *
 * @param root the store's graph root ({@code /var/lib/containers/storage}, podman's {@code --root})
 */
public record ContainersStore(Path root) {
  /** The most a metadata file is read: about 1 KiB per image or layer. */
  public static final long MAX_METADATA_BYTES = 32L << 20;

  /** The drivers whose metadata can be listed; only {@link #diffDirectory} tells which can be read. */
  public static final List<String> DRIVERS = List.of("overlay", "vfs", "btrfs", "zfs", "aufs", "devmapper");

  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

  /**
   * An image's record.
   *
   * @param driver the driver whose {@code images.json} lists it
   * @param id its ID, the hex digest of its config
   * @param names its names, fully qualified ({@code docker.io/library/alpine:latest})
   * @param digest the digest of its {@code manifest} item
   * @param digests every manifest digest recorded for it
   * @param topLayer the ID of its top layer; none for an image without layers
   * @param bigDataNames the keys of its big-data items
   */
  public record StoredImage(String driver, String id, List<String> names, Optional<Digest> digest, List<Digest> digests,
      Optional<String> topLayer, List<String> bigDataNames) {
    public StoredImage {
      names = List.copyOf(names);
      digests = List.copyOf(digests);
      bigDataNames = List.copyOf(bigDataNames);
    }
  }

  /**
   * A layer's record.
   *
   * @param diffDigest the digest of its uncompressed tar, as the image config's {@code diff_ids} give it
   * @param diffSize that tar's size, -1 when not recorded
   */
  public record StoredLayer(String id, Optional<String> parent, Optional<Digest> diffDigest, long diffSize) {}

  /**
   * A container's record.
   *
   * @param imageId the ID of the image it was made from
   * @param metadata the engine's own text about it (podman: JSON with the {@code image-name} asked for); empty if none
   */
  public record StoredContainer(String id, String imageId, List<String> names, String metadata) {
    public StoredContainer {
      names = List.copyOf(names);
    }
  }

  /** Whether {@code text} has the shape of an image or layer ID. */
  public static boolean isId(String text) {
    return ID.matcher(text).matches();
  }

  /** The drivers this store has metadata of, in {@link #DRIVERS} order. */
  public List<String> drivers() {
    List<String> found = new ArrayList<>();
    for (String d : DRIVERS) {
      if (Files.isDirectory(root.resolve(d + "-images"), LinkOption.NOFOLLOW_LINKS)
          || Files.isDirectory(root.resolve(d + "-containers"), LinkOption.NOFOLLOW_LINKS)) {
        found.add(d);
      }
    }
    return found;
  }

  /** The images of {@code driver}; none when it has no {@code images.json}. */
  public List<StoredImage> images(String driver) throws IOException {
    List<StoredImage> images = new ArrayList<>();
    for (JsonNode i : array(checkedDriver(driver) + "-images/images.json")) {
      String id = text(i, "id");
      if (!isId(id)) {
        continue;
      }
      List<Digest> digests = new ArrayList<>();
      for (String d : texts(i.path("digests"))) {
        parseDigest(d).filter(x -> !digests.contains(x)).ifPresent(digests::add);
      }
      Optional<Digest> digest = parseDigest(text(i, "digest"));
      if (digest.isEmpty() && !digests.isEmpty()) {
        digest = Optional.of(digests.get(0));
      }
      digest.filter(d -> !digests.contains(d)).ifPresent(d -> digests.add(0, d));
      String layer = text(i, "layer");
      images.add(new StoredImage(driver, id, texts(i.path("names")), digest, digests, isId(layer) ? Optional.of(layer) : Optional.empty(),
          texts(i.path("big-data-names"))));
    }
    return images;
  }

  /** The containers of {@code driver}; none when it has no {@code containers.json}. */
  public List<StoredContainer> containers(String driver) throws IOException {
    List<StoredContainer> containers = new ArrayList<>();
    for (JsonNode c : array(checkedDriver(driver) + "-containers/containers.json")) {
      containers.add(new StoredContainer(text(c, "id"), text(c, "image"), texts(c.path("names")), text(c, "metadata")));
    }
    return containers;
  }

  /** The layers of {@code driver}; none when it has no {@code layers.json}. */
  public List<StoredLayer> layers(String driver) throws IOException {
    List<StoredLayer> layers = new ArrayList<>();
    for (JsonNode l : array(checkedDriver(driver) + "-layers/layers.json")) {
      String id = text(l, "id");
      if (!isId(id)) {
        continue;
      }
      String parent = text(l, "parent");
      JsonNode size = l.path("diff-size");
      layers.add(new StoredLayer(id, isId(parent) ? Optional.of(parent) : Optional.empty(), parseDigest(text(l, "diff-digest")),
          size.canConvertToLong() && size.asLong() >= 0 ? size.asLong() : -1));
    }
    return layers;
  }

  /** An image's big-data item ({@code manifest}, {@code sha256:CONFIG}), read whole up to {@code maxBytes}. */
  public Optional<byte[]> bigData(StoredImage image, String key, long maxBytes) throws IOException {
    if (!isId(image.id()) || !image.bigDataNames().contains(key)) {
      return Optional.empty();
    }
    Path file = unlinked(root.resolve(checkedDriver(image.driver()) + "-images").resolve(image.id()).resolve(bigDataFileName(key)));
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(BoundedInputStream.readAtMost(in, maxBytes, "'" + key + "' of image " + image.id() + " in containers-storage at " + root));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (e instanceof ImageReadException) {
        throw e;
      }
      throw new ImageReadException("read '" + key + "' of image " + image.id() + " in containers-storage at " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file name of a big-data item: the key itself when it is made of {@code [.0-9a-z]} only, else {@code =} and
   * the key in standard base64 (how containers-storage names them, since keys such as {@code sha256:...} hold colons).
   */
  static String bigDataFileName(String key) {
    if (!key.isEmpty() && key.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') && !key.equals(".")
        && !key.equals("..")) {
      return key;
    }
    return "=" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The layer's tar-split file ({@code DRIVER-layers/ID.tar-split.gz}): how to rebuild its tar byte for byte. */
  public Path tarSplit(String driver, String layerId) {
    return root.resolve(checkedDriver(driver) + "-layers").resolve(checkedId(layerId) + ".tar-split.gz");
  }

  /**
   * Where the files of a layer's tar are: overlay's {@code overlay/ID/diff} (what the layer changed), vfs's {@code
   * vfs/dir/ID} (the whole tree as of the layer, so the layer's own files are there as its tar gave them). Empty for
   * drivers whose layers are not plain directories.
   */
  public Optional<Path> diffDirectory(String driver, String layerId) {
    return switch (checkedDriver(driver)) {
      case "overlay" -> Optional.of(root.resolve("overlay").resolve(checkedId(layerId)).resolve("diff"));
      case "vfs" -> Optional.of(root.resolve("vfs").resolve("dir").resolve(checkedId(layerId)));
      default -> Optional.empty();
    };
  }

  /**
   * {@code path} (under the root) when no directory or file on its way from the root is a symbolic link: a store's
   * files are read where the store keeps them, never through a link to elsewhere.
   */
  public Path unlinked(Path path) throws ImageReadException {
    Path relative = root.relativize(path);
    if (relative.startsWith("..") || relative.isAbsolute()) {
      throw new ImageReadException("read " + path + ": not inside the containers-storage store at " + root);
    }
    Path p = root;
    for (Path part : relative) {
      p = p.resolve(part);
      if (Files.isSymbolicLink(p)) {
        throw new ImageReadException("read " + path + ": " + root.relativize(p) + " is a symbolic link in the containers-storage store at " + root + " (not followed)");
      }
    }
    return path;
  }

  private static String checkedDriver(String driver) {
    if (!DRIVERS.contains(driver)) {
      throw new IllegalArgumentException("unknown containers-storage driver '" + driver + "' (" + String.join(", ", DRIVERS) + ")");
    }
    return driver;
  }

  private static String checkedId(String id) {
    if (!isId(id)) {
      throw new IllegalArgumentException("not a containers-storage ID: '" + id + "'");
    }
    return id;
  }

  private List<JsonNode> array(String relative) throws IOException {
    Path file = root.resolve(relative);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    String what = "containers-storage metadata " + file;
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file.getParent())) {
      throw new ImageReadException("read " + what + ": not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      bytes = BoundedInputStream.readAtMost(in, MAX_METADATA_BYTES, what);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ImageReadException("parse " + what + ": not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (node == null || !node.isArray()) {
      throw new ImageReadException("parse " + what + ": not a JSON array");
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(n -> {
      if (n.isObject()) {
        out.add(n);
      }
    });
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : "";
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> {
      if (n.isTextual()) {
        out.add(n.asText());
      }
    });
    return out;
  }

  private static Optional<Digest> parseDigest(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Digest.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
