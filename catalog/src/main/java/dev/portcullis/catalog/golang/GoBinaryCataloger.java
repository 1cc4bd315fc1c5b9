package dev.portcullis.catalog.golang;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.ElfExecutables;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Go modules compiled into ELF executables, from their build info: each dependency (the
 * replacing module when a {@code =>} line replaced it), the main module, and the Go standard
 * library as {@code stdlib} at the toolchain's version. Package names are full module paths.
 *
 * <p>A main module built from a work tree has the version {@code (devel)}. When the build's
 * {@code -ldflags} set a version variable ({@code -X main.version=1.2.3}; see {@link Ldflags}) to
 * a semantic version, that is the version, with the {@code v} of Go module versions, and the
 * metadata says {@code versionFrom: ldflags} and {@code versionSymbol}; otherwise it stays
 * {@code (devel)}, flagged {@code devel: true}, and its Package URL has no version. No
 * pseudo-version is made from {@code vcs.revision}: {@code v0.0.0-...} sorts below every release
 * and would match every vulnerability ever fixed in the module.
 *
 * <p>Executables other than Go programs are skipped without a word; Go build info that cannot be
 * read, including the pointer format of Go before 1.18, is an {@link dev.portcullis.catalog.Unknown}.
 */
public final class GoBinaryCataloger implements Cataloger {
  public static final String NAME = "go-module-binary-cataloger";
  /** The version Go writes for a module built from a work tree rather than a published version. */
  public static final String DEVEL = "(devel)";
  private static final FileCapture BUILD_INFO = ElfExecutables.capture("go-buildinfo", 1, GoBinaryCataloger::extract);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(BUILD_INFO);
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    return ElfExecutables.readEach(tree, context, NAME, BUILD_INFO, GoBinaryCataloger::decode);
  }

  /** The Go version and module info strings as the binary stores them; null for executables other than Go programs. */
  static byte @Nullable [] extract(SeekableByteChannel elf) throws IOException {
    return switch (BuildInfoReader.read(elf)) {
      case BuildInfoReader.Outcome.NotGo n -> null;
      // a Go version never holds a line break: it separates the two strings
      case BuildInfoReader.Outcome.Found f -> (f.goVersion() + "\n" + f.modinfo()).getBytes(StandardCharsets.UTF_8);
      case BuildInfoReader.Outcome.Unreadable u -> throw new IllegalArgumentException(u.reason());
    };
  }

  private static List<Package> decode(Location location, byte[] kept) {
    String text = new String(kept, StandardCharsets.UTF_8);
    int lineBreak = text.indexOf('\n');
    return packages(GoBuildInfo.parse(text.substring(0, lineBreak), text.substring(lineBreak + 1)), location);
  }

  /** The packages one binary's build info names: main module, dependencies, stdlib. */
  static List<Package> packages(GoBuildInfo info, Location location) {
    List<Package> out = new ArrayList<>();
    String stdlib = stdlibVersion(info.goVersion());
    if (info.main() != null) {
      GoModule main = info.main();
      Map<String, String> meta = new TreeMap<>();
      meta.put("mainModule", "true");
      meta.put("goVersion", info.goVersion());
      String version = main.version().isEmpty() ? DEVEL : main.version();
      if (version.equals(DEVEL)) {
        Optional<Ldflags.StampedVersion> stamped = Ldflags.version(info.settings().getOrDefault("-ldflags", ""));
        if (stamped.isPresent()) {
          version = stamped.get().version();
          meta.put("versionFrom", "ldflags");
          meta.put("versionSymbol", stamped.get().symbol());
        } else {
          meta.put("devel", "true");
        }
      }
      if (!info.path().isEmpty()) {
        meta.put("mainPackage", info.path());
      }
      info.settings().forEach((k, v) -> meta.put("build." + k, v));
      out.add(module(main.path(), version, main.sum(), meta, location));
    }
    for (GoModule dep : info.deps()) {
      Map<String, String> meta = new TreeMap<>();
      meta.put("goVersion", info.goVersion());
      GoModule built = dep.effective();
      String name = built.path();
      String version = built.version();
      if (dep.replacement() != null) {
        meta.put("replaces", dep.path() + (dep.version().isEmpty() ? "" : "@" + dep.version()));
        if (isDirectory(built.path())) {
          // a replacement by a local directory is unpublished code under the original module path
          name = dep.path();
          version = DEVEL;
          meta.put("replacedByDirectory", built.path());
        }
      }
      if (version.isEmpty() || version.equals(DEVEL)) {
        version = DEVEL;
        meta.put("devel", "true");
      }
      out.add(module(name, version, built.sum(), meta, location));
    }
    if (!stdlib.isEmpty()) {
      out.add(module("stdlib", stdlib, "", Map.of("goVersion", info.goVersion()), location));
    }
    return out;
  }

  /** {@code go1.19.8} → {@code v1.19.8}; {@code go1.20} → {@code v1.20.0}; a devel toolchain has none. */
  static String stdlibVersion(String goVersion) {
    if (!goVersion.matches("go\\d+\\.\\d+(\\.\\d+)?([a-z]+\\d*)?")) {
      return "";
    }
    String v = goVersion.substring(2);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+\\.\\d+)(\\.\\d+)?([a-z]+)?(\\d*)").matcher(v);
    if (!m.matches()) {
      return "";
    }
    String base = m.group(1) + (m.group(2) == null ? ".0" : m.group(2));
    return "v" + base + (m.group(3) == null ? "" : "-" + m.group(3) + (m.group(4).isEmpty() ? "" : "." + m.group(4)));
  }

  private static boolean isDirectory(String path) {
    return path.startsWith("./") || path.startsWith("../") || path.startsWith("/") || path.equals(".") || path.equals("..");
  }

  private static Package module(String path, String version, String sum, Map<String, String> metadata, Location location) {
    Map<String, String> meta = new TreeMap<>(metadata);
    if (!sum.isEmpty()) {
      meta.put("sum", sum);
    }
    return new Package(path, "", version, Ecosystem.GO, purl(path, version), NAME, List.of(location), null, null, meta);
  }

  /** {@code pkg:golang/github.com/a/b@v1.2.3}; without a version for {@code (devel)} code. */
  static String purl(String modulePath, String version) {
    int slash = modulePath.lastIndexOf('/');
    try {
      PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType("golang")
          .withNamespace(slash < 0 ? null : modulePath.substring(0, slash))
          .withName(slash < 0 ? modulePath : modulePath.substring(slash + 1));
      if (!version.equals(DEVEL)) {
        b.withVersion(version);
      }
      return b.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("Go module " + modulePath + "@" + version + " makes no valid Package URL", e);
    }
  }
}
