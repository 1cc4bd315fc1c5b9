package dev.portcullis.catalog.golang;

import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.oci.tree.Spool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Keeps, of every executable, what the Go cataloger needs: nothing for a file that is not ELF or
 * not a Go program, else the stored Go version and module info strings, or why they are
 * unreadable. So a layer of binaries is read once, while it is indexed.
 */
final class BuildInfoCapture implements FileCapture {
  static final BuildInfoCapture INSTANCE = new BuildInfoCapture();
  static final long MAX_EXECUTABLE = 2L << 30;
  private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final byte FOUND = 'F';
  private static final byte UNREADABLE = 'U';

  private BuildInfoCapture() {}

  /** What was kept of one Go executable. */
  sealed interface Kept {
    record Found(String goVersion, String modinfo) implements Kept {}

    record Unreadable(String reason) implements Kept {}
  }

  @Override
  public String name() {
    return "go-buildinfo";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return (mode & 0111) != 0 && size >= 64;
  }

  @Override
  public byte @Nullable [] capture(String path, long size, InputStream content, CatalogContext context) throws IOException {
    byte[] head = content.readNBytes(ELF_MAGIC.length);
    if (!Arrays.equals(head, ELF_MAGIC)) {
      return null;
    }
    if (size > MAX_EXECUTABLE) {
      return encode(UNREADABLE, "executable of " + size + " bytes is larger than the " + MAX_EXECUTABLE + " read", "");
    }
    try (Spool spool = Spool.of(new SequenceInputStream(new ByteArrayInputStream(head), content), size, context.tempDir(), context.maxInMemoryBytes(),
            MAX_EXECUTABLE);
        SeekableByteChannel channel = spool.channel()) {
      return switch (BuildInfoReader.read(channel)) {
        case BuildInfoReader.Outcome.NotGo n -> null;
        case BuildInfoReader.Outcome.Found f -> encode(FOUND, f.goVersion(), f.modinfo());
        case BuildInfoReader.Outcome.Unreadable u -> encode(UNREADABLE, u.reason(), "");
      };
    }
  }

  static Kept decode(byte[] kept) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(kept));
      byte kind = in.readByte();
      String first = string(in);
      String second = string(in);
      return kind == FOUND ? new Kept.Found(first, second) : new Kept.Unreadable(first);
    } catch (IOException e) {
      throw new UncheckedIOException("damaged Go build info capture", e);
    }
  }

  private static byte[] encode(byte kind, String first, String second) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(kind);
      for (String s : new String[] {first, second}) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("string of " + n + " bytes");
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}
