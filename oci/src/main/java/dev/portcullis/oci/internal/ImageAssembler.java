package dev.portcullis.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.BlobSource;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.ImageIndex;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Manifest;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ReadOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns a verified manifest (reached through indexes when needed) into an {@link Image}: reads and
 * checks the config, pairs layers with diffIDs and history, and leaves foreign layers out, reported.
 */
public final class ImageAssembler {
  private static final int MAX_INDEX_DEPTH = 8;

  private final BlobStore blobs;
  private final ReadOptions options;
  private final String sourceName;

  public ImageAssembler(BlobStore blobs, ReadOptions options, String sourceName) {
    this.blobs = blobs;
    this.options = options;
    this.sourceName = sourceName;
  }

  /** Reads a blob whole and verifies it against its descriptor. */
  public byte[] readDocument(Descriptor d, String what) throws IOException {
    return VerifyingInputStream.readVerified(blobs.open(d), d.digest(), d.size(), options.limits().maxMetadataBytes(), what + " " + d.digest() + " of " + sourceName);
  }

  /**
   * Follows {@code root} (a manifest or an index) to one image manifest, choosing by platform in
   * indexes, and assembles the image.
   */
  public Image assemble(Descriptor root, Runnable onClose) throws IOException {
    Descriptor manifestDescriptor = root;
    List<Digest> indexes = new ArrayList<>();
    byte[] bytes = readDocument(root, "manifest");
    JsonNode node = Json.object(bytes, "manifest " + root.digest() + " of " + sourceName);
    for (int depth = 0; ImageParser.isIndex(ImageParser.mediaTypeOf(node, root.mediaType())); depth++) {
      if (depth >= MAX_INDEX_DEPTH) {
        throw new ImageReadException("read " + sourceName + ": indexes nested more than " + MAX_INDEX_DEPTH + " deep");
      }
      ImageIndex index = ImageParser.index(node, "index " + manifestDescriptor.digest() + " of " + sourceName);
      indexes.add(manifestDescriptor.digest());
      manifestDescriptor = choosePlatform(index.manifests(), options.platform(), sourceName);
      bytes = readDocument(manifestDescriptor, "manifest");
      node = Json.object(bytes, "manifest " + manifestDescriptor.digest() + " of " + sourceName);
    }
    return fromManifest(indexes, manifestDescriptor.digest(), bytes, node, onClose, this::blobLayer);
  }

  /** Makes the {@link Layer} of a manifest's layer descriptor. */
  public interface LayerFactory {
    Layer layer(int index, Descriptor descriptor, Digest diffId, @Nullable String createdBy, ReadBudget budget, String imageName) throws IOException;
  }

  /** Assembles an image from manifest bytes already verified against {@code digest}. */
  public Image fromManifest(Digest digest, byte[] manifestBytes, JsonNode node, Runnable onClose) throws IOException {
    return fromManifest(List.of(), digest, manifestBytes, node, onClose, this::blobLayer);
  }

  /** As {@link #fromManifest(Digest, byte[], JsonNode, Runnable)}, with layers that {@code layers} makes. */
  public Image fromManifest(Digest digest, byte[] manifestBytes, JsonNode node, Runnable onClose, LayerFactory layers) throws IOException {
    return fromManifest(List.of(), digest, manifestBytes, node, onClose, layers);
  }

  private Layer blobLayer(int index, Descriptor d, Digest diffId, @Nullable String createdBy, ReadBudget budget, String imageName) {
    return new BlobLayer(index, d, diffId, createdBy, blobs, budget, imageName, options.listener());
  }

  private Image fromManifest(List<Digest> indexes, Digest digest, byte[] manifestBytes, JsonNode node, Runnable onClose, LayerFactory factory)
      throws IOException {
    String name = sourceName + "@" + digest;
    Manifest manifest = ImageParser.manifest(node, "manifest of " + name);
    byte[] configBytes = readDocument(manifest.config(), "config");
    ImageConfig config = ImageParser.config(Json.object(configBytes, "config of " + name), "config of " + name);
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new ImageReadException("read " + name + ": the manifest lists " + manifest.layers().size() + " layers but the config has " + config.diffIds().size() + " diff_ids");
    }
    List<ImageConfig.History> history = config.layerHistory();
    boolean historyMatches = history.size() == manifest.layers().size();
    ReadBudget budget = new ReadBudget(options.limits(), name);
    List<Layer> layers = new ArrayList<>();
    List<Image.SkippedLayer> skipped = new ArrayList<>();
    for (int i = 0; i < manifest.layers().size(); i++) {
      Descriptor d = manifest.layers().get(i);
      if (MediaTypes.FOREIGN_LAYERS.contains(d.mediaType())) {
        skipped.add(new Image.SkippedLayer(d, "foreign/non-distributable layer (" + d.mediaType() + ")" + (d.urls().isEmpty() ? "" : " from " + d.urls().get(0))));
        options.listener().warn("skipped foreign layer " + i + " (" + d.digest() + ") of " + name);
        continue;
      }
      if (!d.mediaType().isEmpty() && !MediaTypes.LAYERS.contains(d.mediaType()) && !d.mediaType().contains("tar")) {
        throw new ImageReadException("read layer " + i + " (" + d.digest() + ") of " + name + ": unknown layer media type '" + d.mediaType() + "'");
      }
      String createdBy = historyMatches ? history.get(i).createdBy() : null;
      layers.add(factory.layer(layers.size(), d, config.diffIds().get(i), createdBy, budget, name));
    }
    return new BlobImage(name, digest, List.copyOf(indexes), manifest, manifestBytes, config, configBytes, layers, skipped, blobs, onClose);
  }

  /**
   * Picks the one manifest of {@code candidates} for {@code platform}; attestation manifests
   * ({@code unknown/unknown}) never match. The error lists what the index offers.
   */
  public static Descriptor choosePlatform(List<Descriptor> candidates, Platform platform, String sourceName) throws ImageReadException {
    List<Descriptor> matching = candidates.stream().filter(d -> d.platform() != null && platform.accepts(d.platform())).toList();
    if (matching.isEmpty()) {
      List<Descriptor> unlabelled = candidates.stream().filter(d -> d.platform() == null).toList();
      if (unlabelled.size() == 1 && candidates.size() == 1) {
        return unlabelled.get(0);
      }
      String offered = candidates.stream().map(d -> d.platform() == null ? "(no platform)" : d.platform().toString()).distinct().collect(Collectors.joining(", "));
      throw new ImageReadException("read " + sourceName + ": no image for platform " + platform + " in the index (it has: " + offered + "); choose one with --platform");
    }
    // several variants can match a request without variant: the first wins, as in Docker
    return matching.get(0);
  }

  /** The image read from a {@link BlobStore}; its blobs stay available as stored. */
  private record BlobImage(
      String name, Digest digest, List<Digest> indexDigests, Manifest manifest, byte[] rawManifest, ImageConfig config, byte[] rawConfig,
      List<Layer> layers, List<SkippedLayer> skippedLayers, BlobStore blobs, Runnable onClose) implements Image, BlobSource {
    @Override
    public Optional<InputStream> openRaw(Descriptor d) throws IOException {
      if (d.digest().equals(digest)) {
        return Optional.of(new ByteArrayInputStream(rawManifest));
      }
      if (d.digest().equals(manifest.config().digest())) {
        return Optional.of(new ByteArrayInputStream(rawConfig));
      }
      boolean ours = manifest.layers().stream().anyMatch(l -> l.digest().equals(d.digest()));
      return ours ? Optional.of(blobs.open(d)) : Optional.empty();
    }

    @Override
    public byte[] rawManifest() {
      return rawManifest.clone();
    }

    @Override
    public byte[] rawConfig() {
      return rawConfig.clone();
    }

    @Override
    public void close() {
      onClose.run();
    }
  }
}
