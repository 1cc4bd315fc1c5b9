package dev.portcullis.host.root;

/**
 * What a path names on the host, after symlinks: its permission bits ({@code 07777}), numeric
 * owner and group, and type.
 */
public record FileStat(String path, int mode, int uid, int gid, boolean directory, boolean regularFile, long size) {
  /** The mode as four octal digits, e.g. {@code 0644}. */
  public String octal() {
    return String.format("%04o", mode);
  }
}
