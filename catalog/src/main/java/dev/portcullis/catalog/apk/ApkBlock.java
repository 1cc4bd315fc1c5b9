package dev.portcullis.catalog.apk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One package block of apk's installed database, or why it could not be read. */
sealed interface ApkBlock {
  /** The 1-based line the block starts on. */
  int line();

  /** {@code files} are absolute paths, as {@code F:} and {@code R:} lines give them. */
  record Installed(int line, String name, String version, String architecture, String origin, List<String> files) implements ApkBlock {
    public Installed {
      files = List.copyOf(files);
    }
  }

  record Malformed(int line, String reason) implements ApkBlock {}

  static List<ApkBlock> parse(String text) {
    List<ApkBlock> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    Builder b = null;
    for (int i = 0; i <= lines.length; i++) {
      String line = i == lines.length ? "" : lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank()) {
        if (b != null) {
          out.add(b.build());
        }
        b = null;
        continue;
      }
      if (b == null) {
        b = new Builder(i + 1);
      }
      b.add(i + 1, line);
    }
    return out;
  }

  /** Collects one block's lines. */
  final class Builder {
    private static final Pattern NO_SPACE = Pattern.compile("\\S+");
    private final int line;
    private String name = "";
    private String version = "";
    private String architecture = "";
    private String origin = "";
    private String dir = "";
    private final List<String> files = new ArrayList<>();
    private String defect = "";

    Builder(int line) {
      this.line = line;
    }

    void add(int number, String text) {
      if (!defect.isEmpty()) {
        return;
      }
      if (text.length() < 2 || text.charAt(1) != ':') {
        defect = "line " + number + " is not 'K:value': " + shorten(text);
        return;
      }
      String value = text.substring(2);
      switch (text.charAt(0)) {
        case 'P' -> name = repeat(number, 'P', name, value);
        case 'V' -> version = repeat(number, 'V', version, value);
        case 'A' -> architecture = value.strip();
        case 'o' -> origin = value.strip();
        case 'F' -> dir = value.strip();
        case 'R' -> files.add("/" + (dir.isEmpty() ? "" : dir + "/") + value);
        default -> { } // other facts (checksums, size, license, dependencies) are not needed here
      }
    }

    private String repeat(int number, char key, String before, String value) {
      if (!before.isEmpty()) {
        defect = "line " + number + " repeats " + key + ":";
      }
      return value.strip();
    }

    ApkBlock build() {
      if (!defect.isEmpty()) {
        return new Malformed(line, defect);
      }
      if (!NO_SPACE.matcher(name).matches()) {
        return new Malformed(line, name.isEmpty() ? "no P: (package name)" : "P:" + shorten(name) + " is not a package name");
      }
      if (!NO_SPACE.matcher(version).matches()) {
        return new Malformed(line, "package " + name + ": " + (version.isEmpty() ? "no V: (version)" : "V:" + shorten(version) + " has spaces"));
      }
      return new Installed(line, name, version, architecture, origin, files);
    }

    private static String shorten(String s) {
      return "'" + (s.length() <= 60 ? s : s.substring(0, 60) + "...") + "'";
    }
  }
}
