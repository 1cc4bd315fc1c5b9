package dev.portcullis.rules.content;

import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Location;

/**
 * One piece of text to search and where it came from. {@code path} is the file's path for files,
 * the config field ({@code config.Env[2]}) for config values; {@code where} is what a hit in it
 * reports, refined to the line for files on disk.
 */
public record Text(Kind kind, String path, Origin origin, String content) {
  /** What the text is. */
  public enum Kind {
    FILE,
    ENV,
    LABEL,
    ENTRYPOINT,
    CMD,
    EXPOSED_PORT,
    HISTORY
  }

  /** Where the text is: a file on disk, a field of an image config, a file of an image layer. */
  public sealed interface Origin {
    /** A file given on the command line; {@code file} is how findings name it. */
    record OnDisk(String file) implements Origin {}

    record InConfig(String image, String field) implements Origin {}

    /** A file of a layer; {@code deletedBy} is the layer that removed it, -1 when it is still there. */
    record InLayer(String image, Location location, int deletedBy) implements Origin {}
  }

  public static Text config(Kind kind, String image, String field, String content) {
    return new Text(kind, field, new Origin.InConfig(image, field), content);
  }

  /** The file name: the last part of the path. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Where a hit on {@code line} (from 1) and {@code column} (from 1, 0 when unknown) of this text is. */
  public FindingLocation at(int line, int column) {
    return switch (origin) {
      case Origin.OnDisk d -> new FindingLocation.InFile(d.file(), line, line, column);
      case Origin.InConfig c -> new FindingLocation.InConfig(c.image(), c.field());
      case Origin.InLayer l -> new FindingLocation.InLayer(l.image(), l.location());
    };
  }

  /** How a message says where in the text a hit is, where the location cannot: {@code " on line 3"}, {@code " on line 3 (deleted by layer 4)"}. */
  public String lineNote(int line) {
    return switch (origin) {
      case Origin.OnDisk d -> "";
      case Origin.InConfig c -> "";
      case Origin.InLayer l -> " on line " + line + (l.deletedBy() >= 0 ? " (deleted by layer " + l.deletedBy() + ", still in the image)" : "");
    };
  }
}
