package dev.portcullis.rules.content;

import dev.portcullis.oci.Layer;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.LayerAnalyzer;
import dev.portcullis.oci.tree.LayerEntry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Takes the texts the content checks want in the pass that indexes a layer, so that no layer is
 * read a second time for them. Its cache version follows the keywords and the size bound; the path
 * rules of an {@link Interest} are not part of it, as {@link Contents#ofImage(dev.portcullis.rules.image.ImageSubject, Contents.ImageRead)}
 * reads any file they name that was not taken here.
 */
final class TextCapture implements LayerAnalyzer<LayerTexts> {
  private static final int MAX_COUNT = 50_000_000;
  private final Interest interest;
  private final ReadLimits limits;
  private final AtomicLong keptBytes = new AtomicLong();
  private final int version;

  TextCapture(Interest interest, ReadLimits limits) {
    this.interest = interest;
    this.limits = limits;
    StringBuilder key = new StringBuilder("1\n").append(limits.maxFileBytes()).append('\n').append(ReadLimits.SNIFF_BYTES);
    for (String k : interest.keywords().keywords()) {
      key.append('\n').append(k);
    }
    this.version = key.toString().hashCode() & 0x7fffffff;
  }

  @Override
  public String name() {
    return "content-texts";
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public Class<LayerTexts> resultType() {
    return LayerTexts.class;
  }

  @Override
  public Session<LayerTexts> start(Layer layer) {
    Map<Integer, String> texts = new HashMap<>();
    Set<Integer> binaries = new HashSet<>();
    boolean[] complete = {true};
    return new Session<>() {
      @Override
      public void entry(LayerEntry entry, @Nullable InputStream content) throws IOException {
        if (entry.type() != FileType.REGULAR || content == null || entry.size() == 0 || entry.size() > limits.maxFileBytes() || !complete[0]) {
          return;
        }
        // the start tells a binary, whose rest is then never copied
        byte[] head = content.readNBytes((int) Math.min(entry.size(), ReadLimits.SNIFF_BYTES));
        if (ReadLimits.isBinary(head)) {
          binaries.add(entry.ordinal());
          return;
        }
        if (keptBytes.get() + entry.size() > limits.maxKeptBytes()) {
          complete[0] = false;
          return;
        }
        byte[] bytes = head;
        if (head.length < entry.size()) {
          byte[] rest = content.readNBytes((int) entry.size() - head.length);
          bytes = new byte[head.length + rest.length];
          System.arraycopy(head, 0, bytes, 0, head.length);
          System.arraycopy(rest, 0, bytes, head.length, rest.length);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (interest.wants(entry.path(), text)) {
          texts.put(entry.ordinal(), text);
          keptBytes.addAndGet(bytes.length);
        }
      }

      @Override
      public LayerTexts finish() {
        return new LayerTexts(texts, binaries, complete[0]);
      }
    };
  }

  @Override
  public void write(LayerTexts result, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeBoolean(result.complete());
    d.writeInt(result.binaries().size());
    for (int ordinal : new TreeSet<>(result.binaries())) {
      d.writeInt(ordinal);
    }
    d.writeInt(result.texts().size());
    for (var t : new TreeMap<>(result.texts()).entrySet()) {
      byte[] bytes = t.getValue().getBytes(StandardCharsets.UTF_8);
      d.writeInt(t.getKey());
      d.writeInt(bytes.length);
      d.write(bytes);
    }
    d.flush();
  }

  @Override
  public LayerTexts read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    boolean complete = d.readBoolean();
    Set<Integer> binaries = new HashSet<>();
    for (int i = count(d.readInt(), MAX_COUNT); i > 0; i--) {
      binaries.add(d.readInt());
    }
    Map<Integer, String> texts = new HashMap<>();
    for (int i = count(d.readInt(), MAX_COUNT); i > 0; i--) {
      int ordinal = d.readInt();
      byte[] bytes = new byte[count(d.readInt(), (int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() * 4))];
      d.readFully(bytes);
      texts.put(ordinal, new String(bytes, StandardCharsets.UTF_8));
    }
    return new LayerTexts(texts, binaries, complete);
  }

  private static int count(int n, int max) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("damaged cache entry: count " + n);
    }
    return n;
  }
}
