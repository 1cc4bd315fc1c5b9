package dev.portcullis.catalog;

import dev.portcullis.oci.Layer;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.LayerAnalyzer;
import dev.portcullis.oci.tree.LayerEntry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Runs every cataloger's {@link FileCapture}s in the pass that indexes a layer. Its cache version
 * is derived from the captures' names and versions, so adding or changing a capture invalidates
 * the cached results. What one scan keeps in memory is bounded; files beyond the bound are simply
 * not captured and are read again when a cataloger asks for them.
 */
final class CaptureAnalyzer implements LayerAnalyzer<LayerCaptures> {
  private static final int MAX_NAME = 256;
  private final List<FileCapture> captures;
  private final CatalogContext context;
  private final long maxBytes;
  private final AtomicLong keptBytes = new AtomicLong();
  private final int version;

  /** @param maxBytes the most all layers of this scan keep in memory together */
  CaptureAnalyzer(List<FileCapture> captures, CatalogContext context, long maxBytes) {
    this.captures = captures.stream().sorted(Comparator.comparing(FileCapture::name)).toList();
    this.context = context;
    this.maxBytes = maxBytes;
    StringBuilder key = new StringBuilder("1");
    for (FileCapture c : this.captures) {
      key.append('\n').append(c.name()).append(':').append(c.version());
    }
    this.version = key.toString().hashCode() & 0x7fffffff;
  }

  @Override
  public String name() {
    return "catalog-captures";
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public Class<LayerCaptures> resultType() {
    return LayerCaptures.class;
  }

  @Override
  public Session<LayerCaptures> start(Layer layer) {
    Map<String, Map<Integer, byte[]>> byCapture = new HashMap<>();
    for (FileCapture c : captures) {
      byCapture.put(c.name(), new HashMap<>());
    }
    return new Session<>() {
      @Override
      public void entry(LayerEntry entry, @Nullable InputStream content) throws IOException {
        if (entry.type() != FileType.REGULAR || content == null || keptBytes.get() > maxBytes) {
          return;
        }
        List<FileCapture> wanting = new ArrayList<>(1);
        for (FileCapture c : captures) {
          if (c.wants(entry.path(), entry.mode(), entry.size())) {
            wanting.add(c);
          }
        }
        if (wanting.isEmpty()) {
          return;
        }
        // a stream is read once: several captures of one file share a copy, if it is small enough
        byte[] copy = wanting.size() > 1 && entry.size() <= maxBytes - keptBytes.get() ? content.readNBytes((int) entry.size()) : null;
        for (int i = 0; i < wanting.size() && (i == 0 || copy != null); i++) {
          FileCapture c = wanting.get(i);
          byte[] value = c.capture(entry.path(), entry.size(), copy == null ? content : new ByteArrayInputStream(copy), context);
          byCapture.get(c.name()).put(entry.ordinal(), value == null ? LayerCaptures.NOTHING : value);
          keptBytes.addAndGet(value == null ? 0 : value.length);
        }
      }

      @Override
      public LayerCaptures finish() {
        return new LayerCaptures(byCapture);
      }
    };
  }

  @Override
  public void write(LayerCaptures result, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    Map<String, Map<Integer, byte[]>> sorted = new TreeMap<>(result.byCapture());
    d.writeInt(sorted.size());
    for (var capture : sorted.entrySet()) {
      byte[] name = capture.getKey().getBytes(StandardCharsets.UTF_8);
      d.writeShort(name.length);
      d.write(name);
      d.writeInt(capture.getValue().size());
      for (var file : new TreeMap<>(capture.getValue()).entrySet()) {
        d.writeInt(file.getKey());
        byte[] v = file.getValue();
        d.writeInt(v == LayerCaptures.NOTHING ? -1 : v.length);
        d.write(v);
      }
    }
    d.flush();
  }

  @Override
  public LayerCaptures read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int captureCount = count(d.readInt(), 10_000);
    Map<String, Map<Integer, byte[]>> out = new HashMap<>();
    for (int i = 0; i < captureCount; i++) {
      byte[] name = new byte[count(d.readUnsignedShort(), MAX_NAME)];
      d.readFully(name);
      int files = count(d.readInt(), 50_000_000);
      Map<Integer, byte[]> kept = new HashMap<>();
      for (int f = 0; f < files; f++) {
        int ordinal = d.readInt();
        int length = d.readInt();
        if (length == -1) {
          kept.put(ordinal, LayerCaptures.NOTHING);
        } else {
          byte[] v = new byte[count(length, (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + (1L << 30)))];
          d.readFully(v);
          kept.put(ordinal, v);
        }
      }
      out.put(new String(name, StandardCharsets.UTF_8), kept);
    }
    return new LayerCaptures(out);
  }

  private static int count(int n, int max) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("damaged cache entry: count " + n);
    }
    return n;
  }
}
