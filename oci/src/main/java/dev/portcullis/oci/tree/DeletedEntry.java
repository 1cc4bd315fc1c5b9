package dev.portcullis.oci.tree;

/** A file a lower layer shipped that a later layer removed or replaced: still inside the image. */
public record DeletedEntry(FileEntry entry, int removedBy, Removal how) {
  /** How a later layer took a file away. */
  public enum Removal {
    WHITEOUT,
    OPAQUE_DIRECTORY,
    REPLACED
  }
}
