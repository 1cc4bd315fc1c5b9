package dev.portcullis.catalog.rpm;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Packages installed by rpm, from the SQLite database of rpm 4.16 and later ({@code rpmdb.sqlite}
 * under {@code /var/lib/rpm} or {@code /usr/lib/sysimage/rpm}), with the files each installed.
 * The database is copied out of the image, with its write-ahead log if it has one, and opened
 * read-only. Berkeley DB ({@code Packages}) and ndb ({@code Packages.db}) databases are not read.
 * The {@code gpg-pubkey} entries rpm keeps for imported signing keys are not packages and are left out.
 */
public final class RpmCataloger implements Cataloger {
  public static final String NAME = "rpm-db-cataloger";
  static final List<String> DATABASES = List.of("/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite");
  private static final String SIGNING_KEY = "gpg-pubkey";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    Map<String, FileEntry> databases = new TreeMap<>();
    for (String path : DATABASES) {
      regular(tree, path).ifPresent(e -> databases.put(e.path(), e));
    }
    if (databases.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    Map<String, String> owned = new HashMap<>();
    Path work = Files.createTempDirectory(context.tempDir(), "rpmdb-");
    try {
      Map<String, Path> copies = new HashMap<>();
      List<FileEntry> wanted = new ArrayList<>();
      int n = 0;
      for (FileEntry db : databases.values()) {
        Path dir = Files.createDirectory(work.resolve(Integer.toString(n++)));
        copies.put(db.path(), dir.resolve("rpmdb.sqlite"));
        wanted.add(db);
        Optional<FileEntry> wal = regular(tree, db.path() + "-wal").filter(w -> w.size() > 0);
        if (wal.isPresent()) {
          copies.put(wal.get().path(), dir.resolve("rpmdb.sqlite-wal"));
          wanted.add(wal.get());
        }
      }
      tree.contents(wanted, (entry, content) -> Files.copy(content, copies.get(entry.path())));
      for (FileEntry db : databases.values()) {
        Location location = new Location(db.path(), db.layer(), tree.layer(db).diffId());
        read(copies.get(db.path()), location, context.distro(), packages, unknowns, owned);
      }
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    packages.sort(null);
    return new CatalogResult(packages, unknowns, owned);
  }

  private static Optional<FileEntry> regular(FileTree tree, String path) throws IOException {
    return tree.resolve(path).filter(e -> e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK);
  }

  private static void read(Path db, Location location, @Nullable Distro distro, List<Package> packages, List<Unknown> unknowns,
      Map<String, String> owned) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    try (Connection c = config.createConnection("jdbc:sqlite:" + db);
        PreparedStatement q = c.prepareStatement("SELECT hnum, blob FROM Packages ORDER BY hnum");
        ResultSet rows = q.executeQuery()) {
      while (rows.next()) {
        long hnum = rows.getLong(1);
        byte[] blob = rows.getBytes(2);
        try {
          RpmHeader h = RpmHeader.parse(blob == null ? new byte[0] : blob);
          String name = h.string(RpmHeader.NAME).orElseThrow(() -> new IllegalArgumentException("no NAME tag"));
          if (name.equals(SIGNING_KEY)) {
            continue;
          }
          packages.add(toPackage(h, name, location, distro));
          try {
            for (String f : h.files()) {
              owned.put(f, name);
            }
          } catch (IllegalArgumentException e) {
            unknowns.add(new Unknown(location, NAME, "file list of " + name + " (Packages row " + hnum + "): " + e.getMessage()));
          }
        } catch (IllegalArgumentException e) {
          unknowns.add(new Unknown(location, NAME, "Packages row " + hnum + ": " + e.getMessage()));
        }
      }
    } catch (SQLException e) {
      unknowns.add(new Unknown(location, NAME, "read the Packages table of " + location.path() + ": " + e.getMessage()));
    }
  }

  static Package toPackage(RpmHeader h, String name, Location location, @Nullable Distro distro) {
    String version = h.string(RpmHeader.VERSION).orElseThrow(() -> new IllegalArgumentException(name + " has no VERSION tag"));
    String release = h.string(RpmHeader.RELEASE).orElseThrow(() -> new IllegalArgumentException(name + " has no RELEASE tag"));
    Optional<Integer> epoch = h.integer(RpmHeader.EPOCH);
    String arch = h.string(RpmHeader.ARCH).orElse("");
    Map<String, String> meta = new TreeMap<>();
    meta.put("release", release);
    if (!arch.isEmpty()) {
      meta.put("arch", arch);
    }
    epoch.ifPresent(e -> meta.put("epoch", Integer.toString(e)));
    h.string(RpmHeader.VENDOR).ifPresent(v -> meta.put("vendor", v));
    h.string(RpmHeader.MODULARITYLABEL).ifPresent(v -> meta.put("modularityLabel", v));
    Optional<String> sourceRpm = h.string(RpmHeader.SOURCERPM);
    sourceRpm.ifPresent(v -> meta.put("sourceRpm", v));
    String evr = epoch.map(e -> e + ":").orElse("") + version + "-" + release;
    String namespace = distro == null ? "" : distro.id();
    return new Package(name, namespace, evr, Ecosystem.RPM, purl(name, version + "-" + release, arch, epoch, distro), NAME,
        List.of(location), sourceRpm.flatMap(RpmCataloger::sourcePackage).orElse(null), null, meta);
  }

  /** {@code pkg:rpm/fedora/curl@8.6.0-7.fc40?arch=x86_64&distro=fedora-40&epoch=1}. */
  static String purl(String name, String versionRelease, String arch, Optional<Integer> epoch, @Nullable Distro distro) {
    try {
      PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType("rpm").withName(name).withVersion(versionRelease);
      if (distro != null) {
        b.withNamespace(distro.id());
        b.withQualifier("distro", distro.id() + (distro.versionId().isEmpty() ? "" : "-" + distro.versionId()));
      }
      if (!arch.isEmpty()) {
        b.withQualifier("arch", arch);
      }
      if (epoch.isPresent()) {
        b.withQualifier("epoch", Integer.toString(epoch.get()));
      }
      return b.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("rpm " + name + " makes no valid Package URL: " + e.getMessage(), e);
    }
  }

  /** {@code curl-8.6.0-7.fc40.src.rpm} → curl, 8.6.0-7.fc40. */
  static Optional<Package.SourcePackage> sourcePackage(String sourceRpm) {
    String s = sourceRpm.endsWith(".src.rpm") ? sourceRpm.substring(0, sourceRpm.length() - 8)
        : sourceRpm.endsWith(".nosrc.rpm") ? sourceRpm.substring(0, sourceRpm.length() - 10) : "";
    int release = s.lastIndexOf('-');
    int version = release <= 0 ? -1 : s.lastIndexOf('-', release - 1);
    if (version <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Package.SourcePackage(s.substring(0, version), s.substring(version + 1)));
  }
}
