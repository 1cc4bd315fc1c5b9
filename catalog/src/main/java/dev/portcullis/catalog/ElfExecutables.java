package dev.portcullis.catalog;

import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.Spool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What catalogers of compiled programs share: the ELF executables of a tree (regular files or
 * hardlinks with an execute bit, at least 64 bytes long, starting with the ELF magic). A cataloger
 * extracts the little it needs from each executable while its layer is first read (a
 * {@link #capture}), with the content randomly accessible, in memory up to the context's limit and
 * in a temporary file beyond; later it turns what was kept into packages ({@link #readEach}). An
 * executable larger than {@value #MAX_EXECUTABLE} bytes, or one whose extract or decoding throws,
 * is an {@link Unknown}; other files are skipped without a word.
 */
public final class ElfExecutables {
  public static final long MAX_EXECUTABLE = 2L << 30;
  private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final byte KEPT = 'K';
  private static final byte UNREADABLE = 'U';

  private ElfExecutables() {}

  /** What to keep of one executable: null when it holds nothing of interest; throws when what it looks for is malformed, the message saying why. */
  @FunctionalInterface
  public interface Extractor {
    byte @Nullable [] extract(SeekableByteChannel elf) throws IOException;
  }

  /** The packages that what was kept describes; throws when it cannot be understood, the message saying why. */
  @FunctionalInterface
  public interface Decoder {
    List<Package> decode(Location location, byte[] kept) throws IOException;
  }

  /** A capture named {@code name} that keeps what {@code extractor} takes from each ELF executable. */
  public static FileCapture capture(String name, int version, Extractor extractor) {
    return new FileCapture() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int version() {
        return version;
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
          return tagged(UNREADABLE, ("executable of " + size + " bytes is larger than the " + MAX_EXECUTABLE + " read").getBytes(StandardCharsets.UTF_8));
        }
        try (Spool spool = Spool.of(new SequenceInputStream(new ByteArrayInputStream(head), content), size, context.tempDir(),
                context.maxInMemoryBytes(), MAX_EXECUTABLE);
            SeekableByteChannel channel = spool.channel()) {
          byte[] kept;
          try {
            kept = extractor.extract(channel);
          } catch (IOException | RuntimeException e) {
            // the content is spooled already, so anything thrown here is about the content
            return tagged(UNREADABLE, FileParsing.firstLine(e).getBytes(StandardCharsets.UTF_8));
          }
          return kept == null ? null : tagged(KEPT, kept);
        }
      }
    };
  }

  /** The packages {@code decoder} makes of what {@code capture} kept of every executable of {@code tree}. */
  public static CatalogResult readEach(FileTree tree, CatalogContext context, String cataloger, FileCapture capture, Decoder decoder)
      throws IOException {
    List<FileEntry> executables = tree.entries().stream()
        .filter(e -> (e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK) && capture.wants(e.path(), e.mode(), e.size()))
        .toList();
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    context.read(tree, executables, capture, (entry, tagged) -> {
      Location location = FileParsing.location(tree, entry);
      byte[] kept = Arrays.copyOfRange(tagged, 1, tagged.length);
      if (tagged[0] == UNREADABLE) {
        unknowns.add(new Unknown(location, cataloger, new String(kept, StandardCharsets.UTF_8)));
        return;
      }
      try {
        packages.addAll(decoder.decode(location, kept));
      } catch (IOException | RuntimeException e) {
        unknowns.add(new Unknown(location, cataloger, FileParsing.firstLine(e)));
      }
    });
    packages.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new CatalogResult(packages, unknowns);
  }

  private static byte[] tagged(byte tag, byte[] value) {
    byte[] out = new byte[value.length + 1];
    out[0] = tag;
    System.arraycopy(value, 0, out, 1, value.length);
    return out;
  }
}
