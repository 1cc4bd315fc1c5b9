package dev.portcullis.catalog.rpm;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Packages installed by rpm, with the files each installed, from any of rpm's three package
 * databases under {@code /usr/lib/sysimage/rpm} or {@code /var/lib/rpm}: the SQLite database of rpm
 * 4.16 and later ({@code rpmdb.sqlite}, with its write-ahead log if it has one), the ndb package file
 * of SUSE ({@code Packages.db}), and the Berkeley DB hash file of RHEL and CentOS 7 and older
 * ({@code Packages}). Where a directory holds more than one, only the newest format is read, in that
 * order: rpm converts forward, and a file left behind by the conversion is not what rpm reads. The
 * database is copied out of the image and read without rpm or Berkeley DB; a record that cannot be
 * read, or a database that is not what its name says, is an {@link Unknown} and the rest is still
 * read. The {@code gpg-pubkey} entries rpm keeps for imported signing keys are not packages and are
 * left out.
 */
public final class RpmCataloger implements Cataloger {
  public static final String NAME = "rpm-db-cataloger";
  /** Where rpm keeps its databases, the preferred format of a directory first. */
  static final List<String> DATABASES = List.of("/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite",
      "/usr/lib/sysimage/rpm/Packages.db", "/var/lib/rpm/Packages.db", "/usr/lib/sysimage/rpm/Packages", "/var/lib/rpm/Packages");
  private static final WholeFiles FILES = WholeFiles.matching("rpm-db",
      DATABASES.stream().flatMap(p -> p.endsWith(".sqlite") ? Stream.of(p, p + "-wal") : Stream.of(p)).toArray(String[]::new));
  private static final String SIGNING_KEY = "gpg-pubkey";
  /** rpm numbers packages from 1; record 0 of a Berkeley DB file holds the next number. */
  private static final int NEXT_PACKAGE_NUMBER_KEY = 0;

  /** The package database formats, by the file name rpm gives each. */
  enum Format {
    SQLITE("rpmdb.sqlite"),
    NDB("Packages.db"),
    BERKELEY_DB("Packages");

    final String fileName;

    Format(String fileName) {
      this.fileName = fileName;
    }

    static Format of(String path) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      for (Format f : values()) {
        if (f.fileName.equals(name)) {
          return f;
        }
      }
      throw new IllegalArgumentException("no rpm database is called " + name);
    }
  }

  private record Database(FileEntry entry, Format format) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(FILES);
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    Map<String, Database> byDirectory = new TreeMap<>();
    for (String path : DATABASES) {
      Optional<FileEntry> found = regular(tree, path);
      if (found.isPresent()) {
        String resolved = found.get().path();
        byDirectory.putIfAbsent(resolved.substring(0, resolved.lastIndexOf('/') + 1), new Database(found.get(), Format.of(path)));
      }
    }
    if (byDirectory.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    Collected found = new Collected(context.distro());
    Path work = Files.createTempDirectory(context.tempDir(), "rpmdb-");
    try {
      Map<String, Path> copies = new HashMap<>();
      List<FileEntry> wanted = new ArrayList<>();
      int n = 0;
      for (Database db : byDirectory.values()) {
        Path dir = Files.createDirectory(work.resolve(Integer.toString(n++)));
        copies.put(db.entry().path(), dir.resolve(db.format().fileName));
        wanted.add(db.entry());
        Optional<FileEntry> wal = db.format() == Format.SQLITE ? regular(tree, db.entry().path() + "-wal").filter(w -> w.size() > 0)
            : Optional.empty();
        if (wal.isPresent()) {
          copies.put(wal.get().path(), dir.resolve(db.format().fileName + "-wal"));
          wanted.add(wal.get());
        }
      }
      // databases small enough were captured in the first pass; larger ones are streamed to disk in one more
      List<FileEntry> large = wanted.stream().filter(e -> !FILES.wants(e.path(), e.mode(), e.size())).toList();
      List<FileEntry> small = wanted.stream().filter(e -> !large.contains(e)).toList();
      context.read(tree, small, FILES, (entry, bytes) -> Files.write(copies.get(entry.path()), bytes));
      tree.contents(large, (entry, content) -> Files.copy(content, copies.get(entry.path())));
      long maxBlobBytes = Math.min(context.maxInMemoryBytes(), Integer.MAX_VALUE - 16);
      for (Database db : byDirectory.values()) {
        Location location = FileParsing.location(tree, db.entry());
        read(copies.get(db.entry().path()), db.format(), maxBlobBytes, found.from(location));
      }
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    found.packages.sort(null);
    return new CatalogResult(found.packages, found.unknowns, found.owned);
  }

  private static Optional<FileEntry> regular(FileTree tree, String path) throws IOException {
    return tree.resolve(path).filter(e -> e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK);
  }

  /** Passes the header blobs of one copied database to {@code headers}, whatever its format. */
  static void read(Path copy, Format format, long maxBlobBytes, Collected.FromDatabase headers) throws IOException {
    String path = headers.location().path();
    switch (format) {
      case SQLITE -> {
        try {
          readSqlite(copy, headers);
        } catch (SQLException e) {
          headers.unknown("read the Packages table of " + path + ": " + e.getMessage());
        }
      }
      case NDB -> {
        try (FileChannel file = FileChannel.open(copy, StandardOpenOption.READ)) {
          NdbPackageFile.read(file, maxBlobBytes, headers);
        } catch (IllegalArgumentException e) {
          headers.unknown("read the ndb package file " + path + ": " + e.getMessage());
        }
      }
      case BERKELEY_DB -> {
        try (FileChannel file = FileChannel.open(copy, StandardOpenOption.READ)) {
          BerkeleyHashFile hash = BerkeleyHashFile.open(file, maxBlobBytes);
          hash.forEach(new BerkeleyHashFile.Visitor() {
            @Override
            public void pair(String where, byte[] key, byte[] value) {
              if (key.length != 4) {
                headers.unreadable(where, "key of " + key.length + " bytes is not a 4-byte package number");
                return;
              }
              int number = ByteBuffer.wrap(key).order(hash.order()).getInt();
              if (number != NEXT_PACKAGE_NUMBER_KEY) {
                headers.header("Packages record " + Integer.toUnsignedString(number), value);
              }
            }

            @Override
            public void unreadable(String where, String reason) {
              headers.unreadable(where, reason);
            }
          });
        } catch (IllegalArgumentException e) {
          headers.unknown("read the Berkeley DB hash file " + path + ": " + e.getMessage());
        }
      }
    }
  }

  private static void readSqlite(Path db, HeaderVisitor headers) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    try (Connection c = config.createConnection("jdbc:sqlite:" + db);
        PreparedStatement q = c.prepareStatement("SELECT hnum, blob FROM Packages ORDER BY hnum");
        ResultSet rows = q.executeQuery()) {
      while (rows.next()) {
        byte[] blob = rows.getBytes(2);
        headers.header("Packages row " + rows.getLong(1), blob == null ? new byte[0] : blob);
      }
    }
  }

  /** What the databases of one image hold: packages, the files they own, and what could not be read. */
  static final class Collected {
    final List<Package> packages = new ArrayList<>();
    final List<Unknown> unknowns = new ArrayList<>();
    final Map<String, String> owned = new HashMap<>();
    private final @Nullable Distro distro;

    Collected(@Nullable Distro distro) {
      this.distro = distro;
    }

    FromDatabase from(Location location) {
      return new FromDatabase(location);
    }

    /** Turns the header blobs of the database at one location into packages. */
    final class FromDatabase implements HeaderVisitor {
      private final Location location;

      private FromDatabase(Location location) {
        this.location = location;
      }

      Location location() {
        return location;
      }

      @Override
      public void header(String record, byte[] blob) {
        try {
          RpmHeader h = RpmHeader.parse(blob);
          String name = h.string(RpmHeader.NAME).orElseThrow(() -> new IllegalArgumentException("no NAME tag"));
          if (name.equals(SIGNING_KEY)) {
            return;
          }
          packages.add(toPackage(h, name, location, distro));
          try {
            for (String f : h.files()) {
              owned.put(f, name);
            }
          } catch (IllegalArgumentException e) {
            unknown("file list of " + name + " (" + record + "): " + e.getMessage());
          }
        } catch (IllegalArgumentException e) {
          unreadable(record, e.getMessage());
        }
      }

      @Override
      public void unreadable(String record, String reason) {
        unknown(record + ": " + reason);
      }

      void unknown(String reason) {
        unknowns.add(new Unknown(location, NAME, reason));
      }
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
    return new Package(name, namespace, evr, Ecosystem.RPM, purl(name, version + "-" + release, arch, epoch, sourceRpm, distro), NAME,
        List.of(location), sourceRpm.flatMap(RpmCataloger::sourcePackage).orElse(null), null, meta);
  }

  /**
   * {@code pkg:rpm/fedora/curl@8.6.0-7.fc40?arch=x86_64&distro=fedora-40&epoch=1&upstream=curl-8.6.0-7.fc40.src.rpm}: the
   * source rpm is the {@code upstream} qualifier, as other SBOM tools write it.
   */
  static String purl(String name, String versionRelease, String arch, Optional<Integer> epoch, Optional<String> sourceRpm, @Nullable Distro distro) {
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
      if (sourceRpm.isPresent() && !sourceRpm.get().isBlank()) {
        b.withQualifier("upstream", sourceRpm.get());
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
