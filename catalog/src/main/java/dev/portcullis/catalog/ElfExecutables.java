package dev.portcullis.catalog;

import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.Spool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hands a cataloger each ELF executable of a tree: a regular file or hardlink with an execute bit,
 * at least 64 bytes long, whose first bytes are the ELF magic. Its content is randomly accessible,
 * in memory up to the context's limit and in a temporary file beyond. An executable larger than
 * {@value #MAX_EXECUTABLE} bytes, or one its reader throws on, is an {@link Unknown}; other files
 * are skipped without a word. An {@link IOException} from here means a layer could not be read.
 */
public final class ElfExecutables {
  public static final long MAX_EXECUTABLE = 2L << 30;
  private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

  private ElfExecutables() {}

  /** Finds the packages in one executable; throws when what it looks for is there but malformed, the message saying why. */
  @FunctionalInterface
  public interface Reader {
    List<Package> read(Location location, SeekableByteChannel elf) throws IOException;
  }

  public static CatalogResult readEach(FileTree tree, CatalogContext context, String cataloger, Reader reader) throws IOException {
    List<FileEntry> executables = tree.entries().stream()
        .filter(e -> (e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK) && (e.mode() & 0111) != 0 && e.size() >= 64)
        .toList();
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    tree.contents(executables, (entry, content) -> {
      byte[] head = content.readNBytes(ELF_MAGIC.length);
      if (!Arrays.equals(head, ELF_MAGIC)) {
        return;
      }
      Location location = FileParsing.location(tree, entry);
      if (entry.size() > MAX_EXECUTABLE) {
        unknowns.add(new Unknown(location, cataloger, "executable of " + entry.size() + " bytes is larger than the " + MAX_EXECUTABLE + " read"));
        return;
      }
      try (Spool spool = Spool.of(new SequenceInputStream(new ByteArrayInputStream(head), content), entry.size(), context.tempDir(),
              context.maxInMemoryBytes(), MAX_EXECUTABLE);
          SeekableByteChannel channel = spool.channel()) {
        try {
          packages.addAll(reader.read(location, channel));
        } catch (IOException | RuntimeException e) {
          // the content is spooled already, so anything thrown here is about the content
          unknowns.add(new Unknown(location, cataloger, FileParsing.firstLine(e)));
        }
      }
    });
    packages.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new CatalogResult(packages, unknowns);
  }
}
