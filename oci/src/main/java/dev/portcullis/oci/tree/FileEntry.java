package dev.portcullis.oci.tree;

/**
 * A file of the squashed image. {@code path} is absolute and has no symlinks in its parents;
 * {@code layer} is the index of the layer that put it there. For a hardlink, {@code linkTarget} is
 * the path it links to and {@code size} the size of the content; for a symlink, the stored link
 * text. {@code content} locates the bytes of regular files and hardlinks.
 */
public record FileEntry(
    String path, FileType type, int mode, long uid, long gid, long size, String linkTarget, long modifiedEpochSeconds,
    int layer, ContentRef content) {

  /** Where a file's bytes are: the layer and the position of the entry in that layer's tar. */
  public record ContentRef(int layer, int ordinal) {
    /** For entries without content of their own (directories, symlinks, devices). */
    public static ContentRef none(int layer) {
      return new ContentRef(layer, -1);
    }
  }

  /** The permission bits as {@code ls -l} prints them, {@code rwsr-xr-x}. */
  public String permissions() {
    StringBuilder sb = new StringBuilder(9);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    if ((mode & 04000) != 0) {
      sb.setCharAt(2, sb.charAt(2) == 'x' ? 's' : 'S');
    }
    if ((mode & 02000) != 0) {
      sb.setCharAt(5, sb.charAt(5) == 'x' ? 's' : 'S');
    }
    if ((mode & 01000) != 0) {
      sb.setCharAt(8, sb.charAt(8) == 'x' ? 't' : 'T');
    }
    return sb.toString();
  }
}
