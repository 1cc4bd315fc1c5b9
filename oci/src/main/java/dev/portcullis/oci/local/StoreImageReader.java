package dev.portcullis.oci.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.internal.BlobStore;
import dev.portcullis.oci.internal.DescribedLayer;
import dev.portcullis.oci.internal.ImageAssembler;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.oci.internal.ReadBudget;
import dev.portcullis.oci.internal.SingleByte;
import dev.portcullis.oci.internal.TarSplitStream;
import dev.portcullis.oci.internal.VerifyingInputStream;
import dev.portcullis.oci.local.ContainersStore.StoredImage;
import dev.portcullis.oci.local.ContainersStore.StoredLayer;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads an image from a containers-storage store: the image named as podman names it, its {@code manifest} and config
 * from the image's big-data items (verified against the digests the store recorded), and each layer's tar rebuilt from
 * its tar-split file and its directory (verified against the config's diffID). The image's digest is that of the
 * manifest as stored (what {@code podman images --digests} shows); its layer descriptors keep the blob digests the
 * image was pulled with, although the store keeps the layers uncompressed only.
 */
public final class StoreImageReader {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,64}");

  private StoreImageReader() {}

  public static Image read(ContainersStore store, @Nullable String driver, String wanted, String sourceName, ReadOptions options) throws IOException {
    if (!Files.isDirectory(store.root())) {
      throw new ImageReadException("read " + sourceName + ": no containers-storage store at " + store.root() + " (give its root with --storage-root or [ROOT])");
    }
    List<String> drivers = driver != null ? List.of(driver) : store.drivers();
    List<StoredImage> images = new ArrayList<>();
    for (String d : drivers) {
      images.addAll(store.images(d));
    }
    StoredImage image = resolve(images, wanted, sourceName, store.root());
    String name = sourceName + " (image " + image.id().substring(0, 12) + ")";
    byte[] manifestBytes = store.bigData(image, "manifest", options.limits().maxMetadataBytes())
        .orElseThrow(() -> new ImageReadException("read " + name + ": the store has no manifest for it"));
    Digest digest = Digest.sha256(manifestBytes);
    if (!image.digests().isEmpty() && !image.digests().contains(digest)) {
      throw new ImageReadException("read " + name + ": its manifest has digest " + digest + ", not the " + image.digests().get(0) + " the store recorded");
    }
    JsonNode node = Json.object(manifestBytes, "manifest of " + name);
    Map<Digest, StoredLayer> byDiffId = layersByDiffId(store, image, name);
    BlobStore blobs = d -> {
      String key = d.digest().toString();
      byte[] bytes = store.bigData(image, key, options.limits().maxMetadataBytes()).orElse(null);
      if (bytes == null) {
        throw new ImageReadException("read blob " + d.digest() + " of " + name + ": the store keeps no such item (it keeps layers uncompressed, as directories)");
      }
      return new ByteArrayInputStream(bytes);
    };
    ImageAssembler assembler = new ImageAssembler(blobs, options, sourceName);
    return assembler.fromManifest(digest, manifestBytes, node, () -> {}, (index, descriptor, diffId, createdBy, budget, imageName) -> {
      StoredLayer layer = byDiffId.get(diffId);
      if (layer == null) {
        throw new ImageReadException("read layer " + index + " of " + imageName + ": no layer of the image in the store has diffID " + diffId);
      }
      Path directory = store.diffDirectory(image.driver(), layer.id()).orElseThrow(() -> new ImageReadException("read layer " + index + " of " + imageName
          + ": layers of the " + image.driver() + " driver cannot be read (overlay and vfs can)"));
      return new StoreLayer(index, descriptor, diffId, layer, createdBy, store, store.tarSplit(image.driver(), layer.id()), directory, budget, imageName);
    });
  }

  /** The image's layers, top layer to base through their parents, by the digest of their uncompressed tar. */
  private static Map<Digest, StoredLayer> layersByDiffId(ContainersStore store, StoredImage image, String name) throws IOException {
    Map<String, StoredLayer> byId = new HashMap<>();
    for (StoredLayer l : store.layers(image.driver())) {
      byId.put(l.id(), l);
    }
    Map<Digest, StoredLayer> byDiffId = new LinkedHashMap<>();
    Optional<String> next = image.topLayer();
    for (int depth = 0; next.isPresent(); depth++) {
      StoredLayer layer = byId.get(next.get());
      if (layer == null) {
        throw new ImageReadException("read " + name + ": its layer " + next.get() + " is not in the store's layers.json");
      }
      if (depth > byId.size()) {
        throw new ImageReadException("read " + name + ": its layers' parents form a loop");
      }
      layer.diffDigest().ifPresent(d -> byDiffId.putIfAbsent(d, layer));
      next = layer.parent();
    }
    return byDiffId;
  }

  /**
   * The one image {@code wanted} names: a unique prefix of an ID; else a name, tried as podman does: {@code
   * localhost/NAME} first for a name without a registry, then the name as Docker normalises it, then any repository
   * ending in {@code /NAME}.
   */
  static StoredImage resolve(List<StoredImage> images, String wanted, String sourceName, Path root) throws ImageReadException {
    String id = wanted.startsWith("sha256:") ? wanted.substring("sha256:".length()) : wanted;
    if (HEX.matcher(id).matches()) {
      List<StoredImage> byId = distinct(images.stream().filter(i -> i.id().startsWith(id)).toList());
      if (byId.size() == 1) {
        return byId.get(0);
      }
      if (byId.size() > 1) {
        throw new ImageReadException("read " + sourceName + ": '" + id + "' is an ambiguous ID prefix (" + byId.size() + " images' IDs start with it); give more of the ID");
      }
    }
    ImageRef ref;
    try {
      ref = ImageRef.parse(wanted);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException("read " + sourceName + ": '" + wanted + "' is neither an image ID nor an image name (" + e.getMessage() + ")");
    }
    String written = shortPath(wanted);
    boolean qualified = written.contains("/") && isRegistry(written.substring(0, written.indexOf('/')));
    List<List<StoredImage>> tiers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (StoredImage image : images) {
      int best = Integer.MAX_VALUE;
      for (String n : image.names()) {
        best = Math.min(best, tier(n, image, ref, written, qualified));
      }
      if (best < tiers.size()) {
        tiers.get(best).add(image);
      }
    }
    for (List<StoredImage> tier : tiers) {
      List<StoredImage> found = distinct(tier);
      if (found.size() == 1) {
        return found.get(0);
      }
      if (found.size() > 1) {
        throw new ImageReadException("read " + sourceName + ": '" + wanted + "' names " + found.size() + " images; give the full name with its registry, or the image's ID");
      }
    }
    throw new ImageReadException("read " + sourceName + ": no image named '" + wanted + "' in the containers-storage store at " + root);
  }

  /** 0: {@code localhost/NAME}; 1: the name as normalised; 2: a repository ending in {@code /NAME}; else no match. */
  private static int tier(String stored, StoredImage image, ImageRef wanted, String written, boolean qualified) {
    ImageRef s;
    try {
      s = ImageRef.parse(stored);
    } catch (IllegalArgumentException e) {
      return Integer.MAX_VALUE;
    }
    boolean version = wanted.digest() != null
        ? wanted.digest().equals(s.digest()) || image.digests().contains(wanted.digest())
        : s.digest() == null && java.util.Objects.equals(wanted.tag(), s.tag());
    if (!version) {
      return Integer.MAX_VALUE;
    }
    if (!qualified && s.registry().equals("localhost") && s.repository().equals(written)) {
      return 0;
    }
    if (s.registry().equals(wanted.registry()) && s.repository().equals(wanted.repository())) {
      return 1;
    }
    if (!qualified && (s.repository().equals(written) || s.repository().endsWith("/" + written))) {
      return 2;
    }
    return Integer.MAX_VALUE;
  }

  /** The repository path as the user wrote it: without tag or digest. */
  private static String shortPath(String wanted) {
    String rest = wanted;
    int at = rest.indexOf('@');
    if (at >= 0) {
      rest = rest.substring(0, at);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      rest = rest.substring(0, colon);
    }
    return rest;
  }

  private static boolean isRegistry(String first) {
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  private static List<StoredImage> distinct(List<StoredImage> images) {
    Map<String, StoredImage> byId = new LinkedHashMap<>();
    images.forEach(i -> byId.putIfAbsent(i.id(), i));
    return List.copyOf(byId.values());
  }

  /** A layer rebuilt from the store: its tar-split file and its directory, checked against its diffID. */
  private static final class StoreLayer extends DescribedLayer {
    private final StoredLayer stored;
    private final ContainersStore store;
    private final Path tarSplit;
    private final Path directory;
    private final ReadBudget budget;
    private final String imageName;

    StoreLayer(int index, Descriptor descriptor, Digest diffId, StoredLayer stored, @Nullable String createdBy, ContainersStore store, Path tarSplit,
        Path directory, ReadBudget budget, String imageName) {
      super(index, descriptor, diffId, createdBy);
      this.stored = stored;
      this.store = store;
      this.tarSplit = tarSplit;
      this.directory = directory;
      this.budget = budget;
      this.imageName = imageName;
    }

    @Override
    public InputStream open() throws IOException {
      String what = "layer " + index() + " (" + stored.id().substring(0, 12) + ") of " + imageName;
      InputStream tar = TarSplitStream.open(store.unlinked(tarSplit), store.unlinked(directory), budget.limits().maxEntries(), what);
      InputStream counted = new FilterInputStream(tar) {
        @Override
        public int read() throws IOException {
          return SingleByte.read(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = in.read(b, off, len);
          if (n > 0) {
            budget.addBytes(n);
          }
          return n;
        }
      };
      return new VerifyingInputStream(counted, diffId(), stored.diffSize(), "diffID of " + what);
    }
  }
}
