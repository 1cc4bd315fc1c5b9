package dev.portcullis.core;

/** Where a finding is: a line of a file, a field of an image's config, or a file inside a layer. */
public sealed interface FindingLocation extends Comparable<FindingLocation> {
  /** {@code Dockerfile:12}, {@code config.Env[3]}, {@code /etc/key (layer 2)}. */
  String display();

  /**
   * A position in a text file: {@code line} counts from 1, {@code endLine} is the last line of a
   * multi-line construct (equal to {@code line} otherwise), {@code column} counts from 1 and is 0
   * when unknown.
   */
  record InFile(String file, int line, int endLine, int column) implements FindingLocation {
    public InFile {
      if (line < 1 || endLine < line || column < 0) {
        throw new IllegalArgumentException("bad position " + file + ":" + line + "-" + endLine + ":" + column);
      }
    }

    public static InFile line(String file, int line) {
      return new InFile(file, line, line, 0);
    }

    @Override
    public String display() {
      return file + ":" + line + (column > 0 ? ":" + column : "");
    }
  }

  /**
   * A field of an image configuration, named as in the config JSON: {@code config.User},
   * {@code config.Env[2]}, {@code config.Labels["x"]}, {@code history[4].created_by}.
   */
  record InConfig(String image, String field) implements FindingLocation {
    @Override
    public String display() {
      return field;
    }
  }

  /** A file as one layer of an image ships it (possibly deleted by a later layer); in a directory, layer -1. */
  record InLayer(String image, Location location) implements FindingLocation {
    @Override
    public String display() {
      return location.layerIndex() < 0 ? location.path() : location.path() + " (layer " + location.layerIndex() + ")";
    }
  }

  private int rank() {
    return switch (this) {
      case InFile f -> 0;
      case InConfig c -> 1;
      case InLayer l -> 2;
    };
  }

  @Override
  default int compareTo(FindingLocation o) {
    int c = Integer.compare(rank(), o.rank());
    if (c != 0) {
      return c;
    }
    return switch (this) {
      case InFile f -> {
        InFile g = (InFile) o;
        int d = f.file().compareTo(g.file());
        d = d != 0 ? d : Integer.compare(f.line(), g.line());
        yield d != 0 ? d : Integer.compare(f.column(), g.column());
      }
      case InConfig f -> {
        InConfig g = (InConfig) o;
        int d = f.image().compareTo(g.image());
        yield d != 0 ? d : f.field().compareTo(g.field());
      }
      case InLayer f -> {
        InLayer g = (InLayer) o;
        int d = f.image().compareTo(g.image());
        yield d != 0 ? d : f.location().compareTo(g.location());
      }
    };
  }
}
