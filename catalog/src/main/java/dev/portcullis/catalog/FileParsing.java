package dev.portcullis.catalog;

import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.DirectoryLayer;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads the files a cataloger chose, one pass per layer, and turns each into packages or, when it
 * is too large or cannot be parsed, into an {@link Unknown}. Only regular files and hardlinks are
 * read; an {@link IOException} thrown here means a layer could not be read.
 */
public final class FileParsing {
  private FileParsing() {}

  /** Makes the packages one file describes; throws (any {@link IOException} or runtime exception) when the file is malformed. */
  @FunctionalInterface
  public interface Parser {
    List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException;
  }

  /**
   * What one file gave: its packages, and why each of its parts that could not be read was left
   * out (one reason per entry of a lock file, say), so that one bad part never loses the rest.
   */
  public record Parsed(List<Package> packages, List<String> problems) {
    public Parsed {
      packages = List.copyOf(packages);
      problems = List.copyOf(problems);
    }
  }

  /**
   * Makes the packages of a file whose entries stand alone, each entry that does not parse being a
   * problem of its own; throws when the file as a whole is malformed.
   */
  @FunctionalInterface
  public interface PartialParser {
    Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException;
  }

  /**
   * Parses each of {@code entries} that is a regular file or hardlink within the context's memory
   * limit; {@code capture} is the cataloger's whole-file capture of those files (see
   * {@link WholeFiles}), so that files captured in the first pass are not read again.
   */
  public static CatalogResult parseEach(FileTree tree, Collection<FileEntry> entries, CatalogContext context, String cataloger,
      FileCapture capture, Parser parser) throws IOException {
    return parseEach(tree, entries, context, cataloger, capture, whole(parser));
  }

  /** A parser that reads a file whole, as one that finds no problem in parts of it. */
  public static PartialParser whole(Parser parser) {
    return (entry, location, content) -> new Parsed(parser.parse(entry, location, content), List.of());
  }

  /** As {@link #parseEach(FileTree, Collection, CatalogContext, String, FileCapture, Parser)}, each problem of a file being an {@link Unknown} at it. */
  public static CatalogResult parseEach(FileTree tree, Collection<FileEntry> entries, CatalogContext context, String cataloger,
      FileCapture capture, PartialParser parser) throws IOException {
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    List<FileEntry> wanted = new ArrayList<>();
    for (FileEntry e : entries) {
      if (e.type() != FileType.REGULAR && e.type() != FileType.HARDLINK) {
        continue;
      }
      if (e.size() > context.maxInMemoryBytes()) {
        unknowns.add(new Unknown(location(tree, e), cataloger, "not read: " + e.size() + " bytes, more than the limit of " + context.maxInMemoryBytes()));
      } else {
        wanted.add(e);
      }
    }
    context.read(tree, wanted, capture, (entry, bytes) -> {
      Location where = location(tree, entry);
      try {
        Parsed parsed = parser.parse(entry, where, bytes);
        packages.addAll(parsed.packages());
        parsed.problems().forEach(problem -> unknowns.add(new Unknown(where, cataloger, "parse " + entry.path() + ": " + problem)));
      } catch (IOException | RuntimeException ex) {
        // the bytes are in memory, so anything thrown here is about their content
        unknowns.add(new Unknown(where, cataloger, "parse " + entry.path() + ": " + firstLine(ex)));
      }
    });
    packages.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new CatalogResult(packages, unknowns);
  }

  /** The first line of what {@code ex} says, or its type when it says nothing. */
  static String firstLine(Exception ex) {
    String m = ex.getMessage();
    return m == null ? ex.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  /**
   * The path of {@code e} and the layer that put it there; in a directory ({@code dir:}), which has
   * no layers, the path alone (layer -1, no diffID), as an SBOM that does not say which layer.
   */
  public static Location location(FileTree tree, FileEntry e) {
    Layer layer = tree.layer(e);
    return layer instanceof DirectoryLayer ? new Location(e.path(), -1, null) : new Location(e.path(), layer.index(), layer.diffId());
  }
}
