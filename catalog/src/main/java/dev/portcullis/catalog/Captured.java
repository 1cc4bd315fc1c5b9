package dev.portcullis.catalog;

import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link FileCapture}s kept of an image's files during the first pass over its layers,
 * per layer index. A file they did not keep is read from its layer on demand, so the result of
 * {@link #read} is the same with or without captures; only the number of layer passes differs.
 */
public final class Captured {
  private static final Captured NONE = new Captured(List.of());
  private final List<@Nullable LayerCaptures> layers;

  /** @param layers per layer index, what was captured, or null where the layer was not scanned for captures */
  public Captured(List<@Nullable LayerCaptures> layers) {
    this.layers = new ArrayList<>(layers);
  }

  /** Nothing captured: every file is read from its layer. */
  public static Captured none() {
    return NONE;
  }

  /** Receives what a capture kept of one file. */
  @FunctionalInterface
  public interface Visitor {
    void accept(FileEntry entry, byte[] captured) throws IOException;
  }

  /**
   * Gives {@code visitor} what {@code capture} keeps of each of {@code entries} (regular files and
   * hardlinks; others are skipped, as are files the capture keeps nothing of): from the first pass
   * where it ran, else by reading the files' layers once each.
   */
  public void read(FileTree tree, Collection<FileEntry> entries, FileCapture capture, CatalogContext context, Visitor visitor) throws IOException {
    List<FileEntry> rest = new ArrayList<>();
    for (FileEntry e : entries) {
      if (e.type() != FileType.REGULAR && e.type() != FileType.HARDLINK || e.content().ordinal() < 0) {
        continue;
      }
      LayerCaptures layer = e.content().layer() < layers.size() ? layers.get(e.content().layer()) : null;
      Map<Integer, byte[]> kept = layer == null ? null : layer.byCapture().get(capture.name());
      byte[] value = kept == null ? null : kept.get(e.content().ordinal());
      if (value == null) {
        rest.add(e);
      } else if (value != LayerCaptures.NOTHING) {
        visitor.accept(e, value);
      }
    }
    tree.contents(rest, (e, in) -> {
      byte[] value = capture.capture(e.path(), e.size(), in, context);
      if (value != null) {
        visitor.accept(e, value);
      }
    });
  }
}
