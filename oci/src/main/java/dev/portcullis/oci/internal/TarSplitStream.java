package dev.portcullis.oci.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.oci.ImageReadException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * A layer's original tar, rebuilt byte for byte from its tar-split file and the directory that holds its files (how
 * containers-storage gives a layer back). The tar-split file is gzip'd JSON, one entry per line, in the tar's order:
 * a segment ({@code "type":2}) carries raw tar bytes (headers, padding, the end blocks) in base64 {@code payload}; a
 * file ({@code "type":1}) names an entry ({@code name}, or {@code name_raw} in base64 when not UTF-8) whose {@code
 * size} bytes of content are read from the directory. Names never leave the directory: {@code ..} is refused and no
 * symbolic link is followed, neither the file nor any directory on its way. The caller verifies the result against
 * the layer's diffID.
 */
public final class TarSplitStream extends InputStream {
  /** The longest line: a segment holds a header with its PAX records, which tar readers bound to about 1 MiB. */
  static final int MAX_LINE = 8 << 20;
  private static final int MAX_CHECKED_DIRECTORIES = 1 << 16;

  private final InputStream lines;
  private final Path directory;
  private final String what;
  private final long maxLines;
  private final Set<Path> checkedDirectories = new HashSet<>();
  private long lineCount;
  private byte @Nullable [] segment;
  private int segmentPos;
  private @Nullable FileChannel file;
  private String fileName = "";
  private long fileRemaining;
  private boolean atEnd;

  /**
   * @param tarSplit the gzip'd tar-split file
   * @param directory the layer's files
   * @param maxEntries the most entries the tar may have ({@code --max-entries}); bounds the lines read
   * @param what the layer, for messages
   */
  public static TarSplitStream open(Path tarSplit, Path directory, long maxEntries, String what) throws IOException {
    InputStream raw;
    try {
      raw = Files.newInputStream(tarSplit, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ImageReadException("read " + what + ": no tar-split file " + tarSplit + " (the store cannot give the layer's tar back)", e);
    } catch (IOException e) {
      throw new ImageReadException("read " + what + ": tar-split file " + tarSplit + ": " + e.getMessage(), e);
    }
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      raw.close();
      throw new ImageReadException("read " + what + ": its directory " + directory + " is missing or not a directory");
    }
    try {
      return new TarSplitStream(new BufferedInputStream(new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16), 1 << 16), directory, what,
          Math.addExact(Math.multiplyExact(maxEntries, 2), 16));
    } catch (IOException e) {
      raw.close();
      throw new ImageReadException("read " + what + ": tar-split file " + tarSplit + " is not gzip (" + e.getMessage() + ")", e);
    } catch (ArithmeticException e) {
      raw.close();
      throw new IllegalArgumentException("maxEntries too large: " + maxEntries, e);
    }
  }

  private TarSplitStream(InputStream lines, Path directory, String what, long maxLines) {
    this.lines = lines;
    this.directory = directory;
    this.what = what;
    this.maxLines = maxLines;
  }

  @Override
  public int read() throws IOException {
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      byte[] s = segment;
      if (s != null && segmentPos < s.length) {
        int n = Math.min(len, s.length - segmentPos);
        System.arraycopy(s, segmentPos, b, off, n);
        segmentPos += n;
        return n;
      }
      FileChannel f = file;
      if (f != null) {
        if (fileRemaining > 0) {
          int n = f.read(ByteBuffer.wrap(b, off, (int) Math.min(len, fileRemaining)));
          if (n < 0) {
            throw new ImageReadException("read " + what + ": file '" + fileName + "' is " + fileRemaining + " bytes shorter than its tar entry");
          }
          fileRemaining -= n;
          return n;
        }
        f.close();
        file = null;
      }
      if (atEnd || !nextEntry()) {
        atEnd = true;
        return -1;
      }
    }
  }

  /** Reads the next entry; false at the end of the tar-split file. */
  private boolean nextEntry() throws IOException {
    byte[] line = nextLine();
    if (line == null) {
      return false;
    }
    if (++lineCount > maxLines) {
      throw new ImageReadException("read " + what + ": its tar-split file has more than " + maxLines + " entries (--max-entries)");
    }
    JsonNode entry;
    try {
      entry = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + " is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (entry == null || !entry.isObject()) {
      throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + " is not a JSON object");
    }
    int type = entry.path("type").asInt(-1);
    switch (type) {
      case 2 -> {
        segment = base64(entry.get("payload"), "payload");
        segmentPos = 0;
      }
      case 1 -> {
        long size = entry.path("size").asLong(0);
        if (size < 0) {
          throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + " has a negative size");
        }
        if (size > 0) {
          JsonNode raw = entry.get("name_raw");
          fileName = raw != null && !raw.isNull() ? new String(base64(raw, "name_raw"), StandardCharsets.UTF_8) : entry.path("name").asText("");
          file = openInside(fileName);
          fileRemaining = size;
        }
      }
      default -> throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + " has unknown type " + entry.path("type"));
    }
    return true;
  }

  private byte[] base64(@Nullable JsonNode node, String field) throws ImageReadException {
    if (node == null || node.isNull()) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(node.asText(""));
    } catch (IllegalArgumentException e) {
      throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + ": " + field + " is not base64", e);
    }
  }

  /** The regular file {@code name} names under the directory, reached without following a symbolic link. */
  private FileChannel openInside(String name) throws IOException {
    Path p = directory;
    String[] parts = name.split("/");
    int last = parts.length - 1;
    while (last >= 0 && (parts[last].isEmpty() || parts[last].equals("."))) {
      last--;
    }
    if (last < 0) {
      throw new ImageReadException("read " + what + ": tar-split entry " + lineCount + " gives content to an entry without a name");
    }
    for (int i = 0; i <= last; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") || part.indexOf('\0') >= 0) {
        throw new ImageReadException("read " + what + ": tar-split entry '" + name + "' leaves the layer's directory");
      }
      p = p.resolve(part);
      if (i < last && !checkedDirectories.contains(p)) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new ImageReadException("read " + what + ": '" + name + "': " + directory.relativize(p) + " is not a directory in the layer (a symbolic link is not followed)");
        }
        if (checkedDirectories.size() >= MAX_CHECKED_DIRECTORIES) {
          checkedDirectories.clear();
        }
        checkedDirectories.add(p);
      }
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ImageReadException("read " + what + ": file '" + name + "' of its tar is missing from " + directory, e);
    }
    if (!attrs.isRegularFile()) {
      throw new ImageReadException("read " + what + ": '" + name + "' has content in its tar but is not a regular file in " + directory);
    }
    return FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  /** The next line without its newline, at most {@link #MAX_LINE} bytes; null at the end. */
  private byte @Nullable [] nextLine() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int c;
      try {
        c = lines.read();
      } catch (ZipException | java.io.EOFException e) {
        throw new ImageReadException("read " + what + ": its tar-split file is truncated or corrupt (" + e.getMessage() + ")", e);
      }
      if (c < 0) {
        return out.size() == 0 ? null : out.toByteArray();
      }
      if (c == '\n') {
        if (out.size() == 0) {
          continue;
        }
        return out.toByteArray();
      }
      if (out.size() >= MAX_LINE) {
        throw new ImageReadException("read " + what + ": a tar-split entry is longer than " + MAX_LINE + " bytes");
      }
      out.write(c);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      FileChannel f = file;
      if (f != null) {
        f.close();
      }
    } finally {
      lines.close();
    }
  }
}
