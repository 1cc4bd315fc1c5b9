package dev.portcullis.oci.tree;

/** The kinds of file a layer can hold. */
public enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  HARDLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO;

  /** The one-letter code {@code ls -l} uses. */
  public char letter() {
    return switch (this) {
      case REGULAR -> '-';
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      case HARDLINK -> 'h';
      case CHAR_DEVICE -> 'c';
      case BLOCK_DEVICE -> 'b';
      case FIFO -> 'p';
    };
  }
}
