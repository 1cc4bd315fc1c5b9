package dev.portcullis.catalog;

import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.util.List;

/**
 * A cataloger whose packages each come from one file that globs find and that is read whole (and
 * so captured in the first pass over the layers): a lock file, a manifest, a metadata file. A
 * subclass names its files and how one is parsed, and may narrow which of them it reads.
 */
public abstract class FileCataloger implements Cataloger {
  private final String name;
  private final WholeFiles files;
  private final FileParsing.PartialParser parser;

  protected FileCataloger(String name, WholeFiles files, FileParsing.Parser parser) {
    this(name, files, FileParsing.whole(parser));
  }

  /** For files whose entries stand alone: an entry that does not parse is an {@link Unknown}, the others still packages. */
  protected FileCataloger(String name, WholeFiles files, FileParsing.PartialParser parser) {
    this.name = name;
    this.files = files;
    this.parser = parser;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<FileCapture> captures() {
    return List.of(files);
  }

  @Override
  public final CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    List<FileEntry> wanted = files.select(tree).stream().filter(e -> reads(e.path())).toList();
    return FileParsing.parseEach(tree, wanted, context, name, files, parser);
  }

  /** Whether a file the globs match is one to parse: all of them, unless a subclass says otherwise. */
  protected boolean reads(String path) {
    return true;
  }
}
