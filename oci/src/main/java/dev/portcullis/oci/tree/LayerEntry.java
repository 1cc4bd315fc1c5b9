package dev.portcullis.oci.tree;

/**
 * One entry of a layer's tar, as the tar states it. {@code path} is absolute and normalised
 * ({@code /etc/passwd}); {@code linkTarget} is the symlink text exactly as stored, or the
 * normalised absolute path a hardlink points to, or empty. {@code ordinal} is the entry's position
 * in the tar, counting every entry from 0. {@code devMajor} and {@code devMinor} are a device
 * node's numbers, 0 for every other type.
 */
public record LayerEntry(
    int ordinal, String path, FileType type, int mode, long uid, long gid, long size, String linkTarget, long modifiedEpochSeconds,
    int devMajor, int devMinor) {

  public LayerEntry {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("layer entry path must be absolute: " + path);
    }
    if (devMajor < 0 || devMinor < 0) {
      throw new IllegalArgumentException("device numbers of " + path + " must not be negative: " + devMajor + ", " + devMinor);
    }
  }

  /** An entry that is no device node. */
  public LayerEntry(int ordinal, String path, FileType type, int mode, long uid, long gid, long size, String linkTarget, long modifiedEpochSeconds) {
    this(ordinal, path, type, mode, uid, gid, size, linkTarget, modifiedEpochSeconds, 0, 0);
  }

  /** The same entry at another path (after resolving the symlinks in its parents). */
  public LayerEntry at(String resolvedPath) {
    return new LayerEntry(ordinal, resolvedPath, type, mode, uid, gid, size, linkTarget, modifiedEpochSeconds, devMajor, devMinor);
  }
}
