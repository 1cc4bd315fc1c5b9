package dev.portcullis.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageIndex;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ReadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Reads an image from an OCI image layout, in a directory or in a tar. */
public final class LayoutReader {
  /** containerd and newer Docker name images in this annotation too. */
  private static final String CONTAINERD_NAME = "io.containerd.image.name";

  private LayoutReader() {}

  public static Image read(FileAccess files, @Nullable String refName, String sourceName, ReadOptions options, Runnable onClose) throws IOException {
    BlobStore blobs = d -> blob(files, d, sourceName);
    byte[] indexBytes;
    try (InputStream in = files.open("index.json").orElseThrow(() -> new ImageReadException("read " + sourceName + ": not an OCI image layout (no index.json)"))) {
      indexBytes = BoundedInputStream.readAtMost(in, options.limits().maxMetadataBytes(), "index.json of " + sourceName);
    }
    JsonNode node = Json.object(indexBytes, "index.json of " + sourceName);
    ImageIndex index = ImageParser.index(node, "index.json of " + sourceName);
    List<Descriptor> candidates = index.manifests();
    if (refName != null) {
      candidates = candidates.stream().filter(d -> nameMatches(d, refName)).toList();
      if (candidates.isEmpty()) {
        throw new ImageReadException("read " + sourceName + ": no image named '" + refName + "' (the layout has: " + names(index.manifests()) + ")");
      }
    }
    if (candidates.isEmpty()) {
      throw new ImageReadException("read " + sourceName + ": the layout's index.json lists no images");
    }
    Descriptor root;
    if (candidates.size() == 1) {
      root = candidates.get(0);
    } else if (candidates.stream().allMatch(d -> d.platform() != null)) {
      root = ImageAssembler.choosePlatform(candidates, options.platform(), sourceName);
    } else {
      throw new ImageReadException("read " + sourceName + ": the layout holds " + candidates.size() + " images (" + names(candidates) + "); name one as " + sourceName + ":NAME");
    }
    return new ImageAssembler(blobs, options, sourceName).assemble(root, onClose);
  }

  private static boolean nameMatches(Descriptor d, String wanted) {
    String ref = d.annotations().getOrDefault(Descriptor.REF_NAME, "");
    String containerd = d.annotations().getOrDefault(CONTAINERD_NAME, "");
    return ref.equals(wanted) || containerd.equals(wanted) || containerd.endsWith("/" + wanted);
  }

  private static String names(List<Descriptor> ds) {
    String names = ds.stream().map(d -> d.refName().orElse(d.digest().toString())).collect(Collectors.joining(", "));
    return names.isEmpty() ? "nothing" : names;
  }

  static InputStream blob(FileAccess files, Descriptor d, String sourceName) throws IOException {
    String path = "blobs/" + d.digest().algorithm() + "/" + d.digest().hex();
    return files.open(path).orElseThrow(() -> new ImageReadException("read blob " + d.digest() + " of " + sourceName + ": missing (no " + path + ")"));
  }
}
