package dev.portcullis.catalog;

import dev.portcullis.core.Distro;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells an image's distribution from {@code /etc/os-release}, then {@code /usr/lib/os-release},
 * then {@code /etc/alpine-release}, {@code /etc/debian_version}, {@code /etc/redhat-release}.
 * A Debian-based image without a shell and with {@code /var/lib/dpkg/status.d} is distroless.
 */
public final class OsRelease {
  private static final long MAX_BYTES = 64 << 10;
  /** The files this class reads, captured in the first pass over the layers. */
  static final WholeFiles FILES = WholeFiles.matching("os-release", "/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release",
      "/etc/debian_version", "/etc/redhat-release");
  private static final Pattern REDHAT = Pattern.compile("(?i)^(.*?) release (\\d+(?:\\.\\d+)*)");

  private OsRelease() {}

  public static Optional<Distro> detect(FileTree tree) throws IOException {
    return detect(tree, new CatalogContext(null, Path.of(System.getProperty("java.io.tmpdir")), MAX_BYTES));
  }

  /** The distribution, reading its files through {@code context} (so from the captures where it has them). */
  public static Optional<Distro> detect(FileTree tree, CatalogContext context) throws IOException {
    for (String path : List.of("/etc/os-release", "/usr/lib/os-release")) {
      Optional<String> text = read(tree, context, path);
      if (text.isPresent()) {
        Map<String, String> fields = parse(text.get());
        String id = fields.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
        if (!id.isEmpty()) {
          String pretty = fields.getOrDefault("PRETTY_NAME", "");
          if (id.equals("debian") && isDistroless(tree)) {
            pretty = "Distroless (" + (pretty.isEmpty() ? "Debian" : pretty) + ")";
          }
          List<String> like = fields.containsKey("ID_LIKE") ? Arrays.asList(fields.get("ID_LIKE").trim().split("\\s+")) : List.of();
          return Optional.of(new Distro(id, fields.getOrDefault("VERSION_ID", ""), pretty, like));
        }
      }
    }
    Optional<String> alpine = read(tree, context, "/etc/alpine-release");
    if (alpine.isPresent()) {
      return Optional.of(new Distro("alpine", alpine.get().strip(), "Alpine Linux " + alpine.get().strip(), List.of()));
    }
    Optional<String> debian = read(tree, context, "/etc/debian_version");
    if (debian.isPresent()) {
      String v = debian.get().strip();
      return Optional.of(new Distro("debian", v.contains(".") ? v.substring(0, v.indexOf('.')) : v, "Debian " + v, List.of()));
    }
    Optional<String> redhat = read(tree, context, "/etc/redhat-release");
    if (redhat.isPresent()) {
      Matcher m = REDHAT.matcher(redhat.get().strip());
      if (m.find()) {
        String name = m.group(1).toLowerCase(Locale.ROOT);
        String id = name.contains("centos") ? "centos" : name.contains("rocky") ? "rocky" : name.contains("alma") ? "almalinux"
            : name.contains("fedora") ? "fedora" : "rhel";
        String major = m.group(2).contains(".") ? m.group(2).substring(0, m.group(2).indexOf('.')) : m.group(2);
        return Optional.of(new Distro(id, major, redhat.get().strip(), List.of()));
      }
    }
    return Optional.empty();
  }

  /** {@code KEY=value} lines, values unquoted as os-release(5) says. */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (l.startsWith("#") || eq <= 0) {
        continue;
      }
      String v = l.substring(eq + 1).strip();
      if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
        v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\$", "$").replace("\\`", "`").replace("\\\\", "\\");
      }
      out.put(l.substring(0, eq).strip(), v);
    }
    return out;
  }

  private static boolean isDistroless(FileTree tree) throws IOException {
    return tree.file("/var/lib/dpkg/status.d").isPresent() && tree.resolve("/bin/sh").isEmpty();
  }

  private static Optional<String> read(FileTree tree, CatalogContext context, String path) throws IOException {
    Optional<FileEntry> e = tree.resolve(path);
    if (e.isEmpty() || e.get().type() != FileType.REGULAR && e.get().type() != FileType.HARDLINK || e.get().size() > MAX_BYTES) {
      return Optional.empty();
    }
    String[] text = new String[1];
    context.read(tree, List.of(e.get()), FILES, (entry, bytes) -> text[0] = new String(bytes, StandardCharsets.UTF_8));
    return Optional.ofNullable(text[0]);
  }
}
