package dev.portcullis.scan;

import dev.portcullis.catalog.Cataloger;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Limits;
import dev.portcullis.rules.Check;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The key of an image's {@link ImageResults} in the layer cache: a SHA-256 of everything they
 * depend on. That is the image's name (findings name it), its manifest and config digests and
 * each layer's blob digest and diffID, which scanners ran, the catalogers and
 * checks by name and class, the read limits, the runtime, and the code itself: every jar or class
 * directory the scanner, the catalogers and the checks come from, by path, size and time for a
 * jar (a build writes a new one) and by every class file's path, size and time for a directory.
 * A scan only keeps results after reading every layer and verifying it against its diffID, and
 * only when every cataloger and check is a built-in: a custom rule (whose expression is not part
 * of the key) or an extension found on the class path is run anew each time.
 */
final class ImageKey {
  private static final String FORMAT = "1";

  /** What each code location (a jar, a class directory) contributes, found once per process. */
  private static final Map<String, String> CODE = new ConcurrentHashMap<>();

  private final String settings;
  /** Whether results may be kept: only when every cataloger and check is a built-in, whose results depend on nothing but the image and the code. */
  private final boolean builtIn;

  /** The part of every key that a scanner's options decide: computed once per scanner. */
  ImageKey(ScanOptions options) {
    // the runtime's version as the property gives it: Runtime.Version's toString links a stream's lambdas, 6-10 ms
    // of a cold process, and the record's toString below would link its ObjectMethods, 30-40 ms (docs/BENCHMARKS.md)
    StringBuilder b = new StringBuilder(FORMAT).append('\n').append(System.getProperty("java.runtime.version")).append('\n');
    b.append("types ").append(new TreeSet<>(options.types())).append('\n');
    limits(b.append("limits"), options.read().limits()).append('\n');
    b.append("dev ").append(options.includeDev()).append('\n');
    Set<Class<?>> code = new LinkedHashSet<>(List.of(Scanner.class, dev.portcullis.catalog.Catalog.class, dev.portcullis.rules.Engine.class,
        dev.portcullis.oci.tree.FileTree.class, dev.portcullis.core.Package.class));
    for (Cataloger c : options.catalogers()) {
      b.append("cataloger ").append(c.name()).append(' ').append(c.getClass().getName()).append('\n');
      code.add(c.getClass());
    }
    for (Check<?> c : options.checks()) {
      b.append("check ").append(c.info().id()).append(' ').append(c.getClass().getName()).append('\n');
      code.add(c.getClass());
    }
    // an extension, or a custom rule (its CEL is not in the key), may depend on more: nothing is kept for it. The
    // built-ins are made once per process, so they are known by identity
    this.builtIn = builtIns(dev.portcullis.catalog.catalogers.Catalogers.defaults()).containsAll(options.catalogers())
        && builtIns(dev.portcullis.rules.checks.Checks.defaults()).containsAll(options.checks());
    Set<String> locations = new TreeSet<>();
    for (Class<?> c : code) {
      locations.add(location(c));
    }
    for (String l : locations) {
      b.append("code ").append(CODE.computeIfAbsent(l, ImageKey::code)).append('\n');
    }
    this.settings = b.toString();
  }

  /** Appends each of {@code l}'s components by name; {@code ImageKeyTest} checks that every component is here. */
  private static StringBuilder limits(StringBuilder b, Limits l) {
    return b.append(" maxImageBytes=").append(l.maxImageBytes()).append(" maxEntries=").append(l.maxEntries())
        .append(" maxCompressionRatio=").append(l.maxCompressionRatio()).append(" ratioFloorBytes=").append(l.ratioFloorBytes())
        .append(" maxMetadataBytes=").append(l.maxMetadataBytes()).append(" maxArchiveEntries=").append(l.maxArchiveEntries());
  }

  /** The part of every key that the options decide (for tests). */
  String settings() {
    return settings;
  }

  private static <T> Set<T> builtIns(List<T> made) {
    Set<T> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    out.addAll(made);
    return out;
  }

  /** The key of {@code image}'s results, or null when they are not to be kept (an extension or a custom rule ran). */
  @Nullable Digest of(Image image) {
    if (!builtIn) {
      return null;
    }
    StringBuilder b = new StringBuilder(settings);
    b.append("image ").append(image.name()).append('\n');
    b.append("manifest ").append(image.digest()).append('\n');
    b.append("config ").append(Digest.sha256(image.rawConfig())).append('\n');
    for (Layer l : image.layers()) {
      b.append("layer ").append(l.digest()).append(' ').append(l.diffId()).append('\n');
    }
    return Digest.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key of an image's vulnerability matches against one database: the key its {@link ImageResults} are kept
   * under ({@code results}, which holds the packages and the layers' {@code created_by}), the database's {@link
   * Database#identity} and the matcher's code. Null when the database gives no identity: nothing is kept then.
   */
  static @Nullable Digest matches(Digest results, Database database) {
    String identity = database.identity();
    if (identity == null) {
      return null;
    }
    String text = FORMAT + "\nresults " + results + "\ndatabase " + identity + "\ncode "
        + CODE.computeIfAbsent(location(VulnerabilityMatcher.class), ImageKey::code) + "\n";
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Where {@code c} was loaded from, or a name no other location has when that is unknown (its results are then never found again). */
  private static String location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "unknown " + c.getName() + " " + System.nanoTime();
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return "unknown " + source.getLocation() + " " + System.nanoTime();
    }
  }

  /** What the code at {@code location} contributes to a key. */
  private static String code(String location) {
    if (location.startsWith("unknown ")) {
      return location;
    }
    Path p = Path.of(location);
    try {
      if (Files.isRegularFile(p)) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return location + " " + a.size() + " " + a.lastModifiedTime().toMillis();
      }
      StringBuilder b = new StringBuilder(location);
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path f : walk.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          b.append(' ').append(p.relativize(f)).append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis());
        }
      }
      return Digest.sha256(b.toString().getBytes(StandardCharsets.UTF_8)).toString();
    } catch (IOException | UncheckedIOException e) {
      return "unknown " + location + " " + System.nanoTime();
    }
  }
}
