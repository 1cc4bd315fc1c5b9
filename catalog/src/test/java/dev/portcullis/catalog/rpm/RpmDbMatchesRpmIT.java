package dev.portcullis.catalog.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code rpm-db-cataloger} reads from an rpm database what rpm itself does. Debian's rpm
 * writes a sqlite database from packages rpmbuild makes here, and {@code rpm -qa} reads it back.
 * The same header blobs go into a Berkeley DB hash {@code Packages} file written by Berkeley DB's
 * own {@code db_load}, which rpm reads too ({@code bdb_ro}), and into an ndb {@code Packages.db}
 * laid out by {@link RpmDatabaseFiles#ndb}, for which no writer or reader exists here.
 */
class RpmDbMatchesRpmIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String QUERY = "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\\n";

  @TempDir static Path tmp;
  /** The sqlite database rpm wrote, and what rpm reads from it. */
  private static Path db;
  private static Set<String> expected;
  private static Set<String> expectedFiles;

  @BeforeAll
  static void installPackages() throws IOException {
    Tools.require("rpmbuild");
    Tools.require("rpm");
    String[] manyFiles = new String[150];
    for (int i = 0; i < manyFiles.length; i++) {
      manyFiles[i] = "/usr/share/doc/manual/chapter-" + i + ".html";
    }
    List<Path> rpms = List.of(
        rpm("hello", "2", "1.2", "3.fc40", "noarch", "", "/usr/bin/hello", "/usr/share/hello/README"),
        rpm("libfoo", "", "0.9.1", "1.fc40", "x86_64", "", "/usr/lib64/libfoo.so.0", "/usr/share/doc/libfoo/NEWS"),
        rpm("perl-Tiny", "", "5.30", "4.module_f40", "noarch", "perl:5.30:4020:abc123", "/usr/share/perl5/Tiny.pm"),
        rpm("manual", "", "7.0", "1.fc40", "noarch", "", manyFiles));
    db = tmp.resolve("db");
    Tools.run(TIMEOUT, "rpm", "--initdb", "--dbpath", db.toString());
    for (Path r : rpms) {
      Tools.run(TIMEOUT, "rpm", "-i", "--justdb", "--nodeps", "--dbpath", db.toString(), r.toString());
    }
    assertThat(db.resolve("rpmdb.sqlite")).as("rpm 4.16+ writes the sqlite backend").exists();
    expected = lines(Tools.run(TIMEOUT, "rpm", "-qa", "--dbpath", db.toString(), "--qf", QUERY).stdoutText());
    expectedFiles = lines(Tools.run(TIMEOUT, "rpm", "-qal", "--dbpath", db.toString()).stdoutText());
    assertThat(expected).hasSize(4);
  }

  private static Path rpm(String name, String epoch, String version, String release, String arch, String modularityLabel, String... files)
      throws IOException {
    StringBuilder spec = new StringBuilder();
    spec.append("%global debug_package %{nil}\n").append("Name: ").append(name).append("\nVersion: ").append(version)
        .append("\nRelease: ").append(release).append("\nSummary: test package\nLicense: MIT\nVendor: Portcullis Tests\n")
        .append("BuildArch: ").append(arch).append('\n');
    if (!epoch.isEmpty()) {
      spec.append("Epoch: ").append(epoch).append('\n');
    }
    spec.append("%description\ntest package\n%install\n");
    for (String f : files) {
      spec.append("mkdir -p %{buildroot}").append(f, 0, f.lastIndexOf('/')).append("\necho ").append(name).append(" > %{buildroot}").append(f).append('\n');
    }
    spec.append("%files\n");
    for (String f : files) {
      spec.append(f).append('\n');
    }
    Path top = tmp.resolve("top-" + name);
    Path specFile = tmp.resolve(name + ".spec");
    Files.writeString(specFile, spec);
    List<String> cmd = new ArrayList<>(List.of("rpmbuild", "-bb", "--define", "_topdir " + top));
    if (!modularityLabel.isEmpty()) {
      cmd.addAll(List.of("--define", "modularitylabel " + modularityLabel));
    }
    cmd.add(specFile.toString());
    Tools.run(TIMEOUT, cmd);
    try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
      return s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
    }
  }

  @Test
  void packagesAndFilesAreThoseRpmQueries() throws IOException {
    CatalogResult result = catalog("var/lib/rpm/rpmdb.sqlite", Files.readAllBytes(db.resolve("rpmdb.sqlite")));
    assertThat(result.ownedFiles()).containsEntry("/usr/lib64/libfoo.so.0", "libfoo");
    Package hello = result.packages().stream().filter(p -> p.name().equals("hello")).findFirst().orElseThrow();
    assertThat(hello.purl()).isEqualTo("pkg:rpm/fedora/hello@1.2-3.fc40?arch=noarch&distro=fedora-40&epoch=2&upstream=hello-1.2-3.fc40.src.rpm");
    assertThat(hello.version()).isEqualTo("2:1.2-3.fc40");
    assertThat(hello.source()).isEqualTo(new Package.SourcePackage("hello", "1.2-3.fc40"));
    assertThat(hello.metadata()).containsEntry("vendor", "Portcullis Tests");
    Package perl = result.packages().stream().filter(p -> p.name().equals("perl-Tiny")).findFirst().orElseThrow();
    assertThat(perl.metadata()).containsEntry("modularityLabel", "perl:5.30:4020:abc123");
    assertThat(perl.purl()).isEqualTo("pkg:rpm/fedora/perl-Tiny@5.30-4.module_f40?arch=noarch&distro=fedora-40&upstream=perl-Tiny-5.30-4.module_f40.src.rpm");
  }

  /**
   * {@code db_load} writes the header blobs, keyed by package number in the file's byte order, with
   * record 0 holding the next number as rpm keeps it; rpm's {@code bdb_ro} backend must list the
   * same packages from it, which shows it is a file rpm reads.
   */
  @ParameterizedTest
  @ValueSource(strings = {"1234", "4321"})
  void berkeleyDbPackagesWrittenByBerkeleyDbAreThoseRpmQueries(String byteOrder) throws IOException, SQLException {
    Tools.require("db5.3_load");
    ByteOrder order = byteOrder.equals("1234") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    Map<Long, byte[]> blobs = headerBlobs();
    StringBuilder dump = new StringBuilder("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\ndb_lorder=" + byteOrder + "\nHEADER=END\n");
    long next = blobs.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() + 1;
    dump.append(' ').append(HexFormat.of().formatHex(number(0, order))).append("\n ")
        .append(HexFormat.of().formatHex(number((int) next, order))).append('\n');
    blobs.forEach((hnum, blob) -> dump.append(' ').append(HexFormat.of().formatHex(number(hnum.intValue(), order))).append("\n ")
        .append(HexFormat.of().formatHex(blob)).append('\n'));
    dump.append("DATA=END\n");
    Path bdb = Files.createDirectories(tmp.resolve("bdb-" + byteOrder));
    Path input = tmp.resolve("packages-" + byteOrder + ".dump");
    Files.writeString(input, dump);
    Tools.run(TIMEOUT, "db5.3_load", "-f", input.toString(), bdb.resolve("Packages").toString());
    byte[] file = Files.readAllBytes(bdb.resolve("Packages"));
    assertThat(overflowPages(file, order, 4096)).as("headers lie on chains of overflow pages").isGreaterThan(blobs.size());

    Set<String> rpmReads = lines(Tools.run(TIMEOUT, "rpm", "-qa", "--dbpath", bdb.toString(), "--define", "_db_backend bdb_ro", "--qf", QUERY)
        .stdoutText());
    assertThat(rpmReads).as("rpm reads the Berkeley DB file").isEqualTo(expected);
    CatalogResult result = catalog("var/lib/rpm/Packages", file);
    assertThat(result.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/var/lib/rpm/Packages"));
  }

  /**
   * The header blobs laid out as rpm's {@code lib/backend/ndb/rpmpkg.c} does, with a package
   * erased between them (its slot freed) and a generation past the first.
   */
  @Test
  void ndbPackagesAreThoseRpmQueriesOfTheSameHeaders() throws IOException, SQLException {
    List<byte[]> blobs = new ArrayList<>(headerBlobs().values());
    blobs.add(1, blobs.get(0));
    byte[] file = RpmDatabaseFiles.ndb(11, 1, blobs, 2);
    CatalogResult result = catalog("usr/lib/sysimage/rpm/Packages.db", file);
    assertThat(result.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/usr/lib/sysimage/rpm/Packages.db"));
  }

  /** Catalogs a Fedora 40 image holding {@code file} at {@code path}; packages and files must be those rpm lists. */
  private static CatalogResult catalog(String path, byte[] file) throws IOException {
    Path layout = tmp.resolve("layout-" + System.nanoTime());
    new OciLayoutBuilder().layer(new LayerBuilder()
        .file("etc/os-release", "ID=fedora\nVERSION_ID=40\nPRETTY_NAME=\"Fedora Linux 40\"\n")
        .file(path, file, 0644)).write(layout);
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1000));
      Catalog catalog = Catalog.of(tree, List.of(new RpmCataloger()), tmp);
      CatalogResult result = new RpmCataloger().catalog(tree, new CatalogContext(catalog.distro().orElseThrow(), tmp, 1 << 20));
      SbomAssertions.roundTripsThroughCycloneDx(catalog, tmp);

      assertThat(catalog.unknowns()).isEmpty();
      Set<String> actual = catalog.packages().stream().map(RpmDbMatchesRpmIT::asRpmQueryLine).collect(Collectors.toCollection(TreeSet::new));
      assertThat(actual).isEqualTo(expected);
      assertThat(result.unknowns()).isEmpty();
      assertThat(result.ownedFiles().keySet()).isEqualTo(expectedFiles);
      return result;
    }
  }

  /** The {@code (hnum, blob)} rows of the sqlite database rpm wrote. */
  private static Map<Long, byte[]> headerBlobs() throws SQLException {
    Map<Long, byte[]> blobs = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.resolve("rpmdb.sqlite"));
        PreparedStatement q = c.prepareStatement("SELECT hnum, blob FROM Packages ORDER BY hnum");
        ResultSet rows = q.executeQuery()) {
      while (rows.next()) {
        blobs.put(rows.getLong(1), rows.getBytes(2));
      }
    }
    assertThat(blobs).hasSize(expected.size());
    return blobs;
  }

  private static byte[] number(int n, ByteOrder order) {
    return ByteBuffer.allocate(4).order(order).putInt(n).array();
  }

  private static long overflowPages(byte[] file, ByteOrder order, int pageSize) {
    return java.util.stream.IntStream.range(1, file.length / pageSize).filter(p -> file[p * pageSize + 25] == RpmDatabaseFiles.P_OVERFLOW).count();
  }

  /** The line {@link #QUERY} makes rpm print for the same package. */
  private static String asRpmQueryLine(Package p) {
    return String.join(" ", p.name(), p.metadata().getOrDefault("epoch", "(none)"), p.version().replaceFirst("^\\d+:", "").replaceFirst("-[^-]*$", ""),
        p.metadata().get("release"), p.metadata().get("arch"), p.metadata().get("sourceRpm"));
  }

  private static Set<String> lines(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toCollection(TreeSet::new));
  }
}
