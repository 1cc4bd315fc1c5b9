package dev.portcullis.oci.tree;

import dev.portcullis.oci.Layer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The built-in analyser that records what a layer holds, from which the squashed tree is built. */
public final class LayerIndexer implements LayerAnalyzer<LayerIndex> {
  public static final LayerIndexer INSTANCE = new LayerIndexer();

  private LayerIndexer() {}

  @Override
  public String name() {
    return "layer-index";
  }

  @Override
  public int version() {
    return 4; // 3: warnings no longer name the layer and image; 4: device numbers
  }

  // A compact binary form: an image's index can hold hundreds of thousands of entries, and a warm
  // re-scan is mostly the reading of it.
  @Override
  public void write(LayerIndex index, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(index.entries().size());
    for (LayerEntry e : index.entries()) {
      d.writeInt(e.ordinal());
      CacheStreams.writeString(d, e.path());
      d.writeByte(e.type().ordinal());
      d.writeInt(e.mode());
      d.writeLong(e.uid());
      d.writeLong(e.gid());
      d.writeLong(e.size());
      CacheStreams.writeString(d, e.linkTarget());
      d.writeLong(e.modifiedEpochSeconds());
      d.writeInt(e.devMajor());
      d.writeInt(e.devMinor());
    }
    for (List<String> list : List.of(index.whiteouts(), index.opaqueDirs(), index.warnings())) {
      d.writeInt(list.size());
      for (String s : list) {
        CacheStreams.writeString(d, s);
      }
    }
    d.flush();
  }

  @Override
  public LayerIndex read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int n = CacheStreams.readCount(d);
    FileType[] types = FileType.values();
    LayerIndex.Builder b = new LayerIndex.Builder();
    for (int i = 0; i < n; i++) {
      int ordinal = d.readInt();
      String path = CacheStreams.readString(d);
      int type = d.readUnsignedByte();
      if (type >= types.length) {
        throw new IOException("damaged cache entry: file type " + type);
      }
      int mode = d.readInt();
      long uid = d.readLong();
      long gid = d.readLong();
      long size = d.readLong();
      String link = CacheStreams.readString(d);
      long modified = d.readLong();
      int major = d.readInt();
      int minor = d.readInt();
      if (major < 0 || minor < 0) {
        throw new IOException("damaged cache entry: device numbers " + major + ", " + minor);
      }
      b.entry(new LayerEntry(ordinal, path, types[type], mode, uid, gid, size, link, modified, major, minor));
    }
    for (int l = 0; l < 3; l++) {
      int m = CacheStreams.readCount(d);
      for (int i = 0; i < m; i++) {
        String s = CacheStreams.readString(d);
        switch (l) {
          case 0 -> b.whiteout(s);
          case 1 -> b.opaque(s);
          default -> b.warningAsIs(s);
        }
      }
    }
    return b.build();
  }

  @Override
  public Class<LayerIndex> resultType() {
    return LayerIndex.class;
  }

  @Override
  public Session<LayerIndex> start(Layer layer) {
    return new Session<>() {
      private final LayerIndex.Builder index = new LayerIndex.Builder();

      @Override
      public void entry(LayerEntry entry, @Nullable InputStream content) {
        index.entry(entry);
      }

      @Override
      public void whiteout(String path) {
        index.whiteout(path);
      }

      @Override
      public void opaque(String dir) {
        index.opaque(dir);
      }

      @Override
      public void warning(String message) {
        index.warning(message);
      }

      @Override
      public LayerIndex finish() {
        return index.build();
      }
    };
  }
}
