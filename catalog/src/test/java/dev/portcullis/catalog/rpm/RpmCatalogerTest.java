package dev.portcullis.catalog.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.core.Distro;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RpmCatalogerTest {
  @TempDir Path tmp;

  /** An rpm header blob with string (6), string array (8) and int32 (4) entries, laid out as rpm stores it. */
  static final class Blob {
    private final List<int[]> index = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Blob string(int tag, String value) {
      index.add(new int[] {tag, 6, data.size(), 1});
      data.writeBytes((value + "\0").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Blob strings(int tag, String... values) {
      index.add(new int[] {tag, 8, data.size(), values.length});
      for (String v : values) {
        data.writeBytes((v + "\0").getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }

    Blob ints(int tag, int... values) {
      while (data.size() % 4 != 0) {
        data.write(0);
      }
      index.add(new int[] {tag, 4, data.size(), values.length});
      for (int v : values) {
        data.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
      }
      return this;
    }

    byte[] bytes() {
      ByteBuffer b = ByteBuffer.allocate(8 + 16 * index.size() + data.size());
      b.putInt(index.size()).putInt(data.size());
      index.forEach(e -> b.putInt(e[0]).putInt(e[1]).putInt(e[2]).putInt(e[3]));
      return b.put(data.toByteArray()).array();
    }
  }

  static Blob curl() {
    return new Blob().string(RpmHeader.NAME, "curl").string(RpmHeader.VERSION, "8.6.0").string(RpmHeader.RELEASE, "7.fc40")
        .ints(RpmHeader.EPOCH, 1).string(RpmHeader.ARCH, "x86_64").string(RpmHeader.SOURCERPM, "curl-8.6.0-7.fc40.src.rpm")
        .strings(RpmHeader.BASENAMES, "curl", "curl.1.gz").strings(RpmHeader.DIRNAMES, "/usr/bin/", "/usr/share/man/man1/")
        .ints(RpmHeader.DIRINDEXES, 0, 1);
  }

  private Path sqlite(byte[]... blobs) throws IOException, SQLException {
    return sqlite(tmp, blobs);
  }

  /** An rpm sqlite database of these header blobs, numbered from 1. */
  static byte[] sqliteBytes(Path tmp, byte[]... blobs) throws IOException, SQLException {
    return Files.readAllBytes(sqlite(tmp, blobs));
  }

  private static Path sqlite(Path tmp, byte[]... blobs) throws IOException, SQLException {
    Path db = Files.createTempFile(tmp, "rpmdb", ".sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (java.sql.Statement st = c.createStatement()) {
        st.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
      }
      for (byte[] b : blobs) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
          p.setBytes(1, b);
          p.executeUpdate();
        }
      }
    }
    return db;
  }

  private CatalogResult catalog(LayerBuilder layer) throws IOException {
    return catalog(tmp, layer);
  }

  /** What the cataloger finds in an image of one layer, for a Fedora 40 image. */
  static CatalogResult catalog(Path tmp, LayerBuilder layer) throws IOException {
    Path dir = tmp.resolve("l" + System.nanoTime());
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1000));
      return new RpmCataloger().catalog(tree, new CatalogContext(new Distro("fedora", "40", "Fedora Linux 40", List.of()), tmp, 1 << 20));
    }
  }

  @Test
  void headerFieldsAndFiles() {
    RpmHeader h = RpmHeader.parse(curl().bytes());
    assertThat(h.string(RpmHeader.NAME)).contains("curl");
    assertThat(h.integer(RpmHeader.EPOCH)).contains(1);
    assertThat(h.files()).containsExactly("/usr/bin/curl", "/usr/share/man/man1/curl.1.gz");
    assertThat(RpmCataloger.purl("curl", "8.6.0-7.fc40", "x86_64", Optional.of(1), Optional.of("curl-8.6.0-7.fc40.src.rpm"), new Distro("fedora", "40", "", List.of())))
        .isEqualTo("pkg:rpm/fedora/curl@8.6.0-7.fc40?arch=x86_64&distro=fedora-40&epoch=1&upstream=curl-8.6.0-7.fc40.src.rpm");
  }

  @Test
  void malformedHeadersSayWhatIsOutOfBounds() {
    byte[] ok = curl().bytes();
    assertThatThrownBy(() -> RpmHeader.parse(java.util.Arrays.copyOf(ok, ok.length - 1))).hasMessageContaining("the blob has " + (ok.length - 1));
    byte[] badOffset = ok.clone();
    ByteBuffer.wrap(badOffset).putInt(8 + 8, 1 << 20);
    assertThatThrownBy(() -> RpmHeader.parse(badOffset)).hasMessageContaining("tag 1000: offset 1048576");
    assertThatThrownBy(() -> RpmHeader.parse(new byte[] {0, 0})).hasMessageContaining("shorter than its 8-byte preamble");
    RpmHeader wrongIndexes = RpmHeader.parse(new Blob().strings(RpmHeader.BASENAMES, "a", "b").strings(RpmHeader.DIRNAMES, "/")
        .ints(RpmHeader.DIRINDEXES, 0, 3).bytes());
    assertThatThrownBy(wrongIndexes::files).hasMessageContaining("directory index 3 of b");
  }

  @Test
  void badRowsAreUnknownsAndTheOtherRowsAreRead() throws Exception {
    byte[] truncated = java.util.Arrays.copyOf(curl().bytes(), 40);
    byte[] key = new Blob().string(RpmHeader.NAME, "gpg-pubkey").string(RpmHeader.VERSION, "a15b79cc").string(RpmHeader.RELEASE, "63d04c2c").bytes();
    Path db = sqlite(curl().bytes(), truncated, key);
    CatalogResult r = catalog(new LayerBuilder().symlink("var/lib/rpm", "../../usr/lib/sysimage/rpm")
        .file("usr/lib/sysimage/rpm/rpmdb.sqlite", Files.readAllBytes(db), 0644));
    assertThat(r.packages()).singleElement().satisfies(p -> {
      assertThat(p.purl()).isEqualTo("pkg:rpm/fedora/curl@8.6.0-7.fc40?arch=x86_64&distro=fedora-40&epoch=1&upstream=curl-8.6.0-7.fc40.src.rpm");
      assertThat(p.version()).isEqualTo("1:8.6.0-7.fc40");
      assertThat(p.location().path()).isEqualTo("/usr/lib/sysimage/rpm/rpmdb.sqlite");
    });
    assertThat(r.ownedFiles()).containsEntry("/usr/bin/curl", "curl").hasSize(2);
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith("Packages row 2: header of"));
  }

  @Test
  void rowsStillInTheWriteAheadLogAreRead() throws Exception {
    Path db = tmp.resolve("wal.sqlite");
    byte[] main;
    byte[] wal;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      for (String sql : List.of("PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0",
          "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")) {
        try (java.sql.Statement st = c.createStatement()) {
          st.execute(sql);
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
        p.setBytes(1, curl().bytes());
        p.executeUpdate();
      }
      // copied while open: closing the last connection would checkpoint the log into the database
      main = Files.readAllBytes(db);
      wal = Files.readAllBytes(tmp.resolve("wal.sqlite-wal"));
    }
    assertThat(wal).isNotEmpty();
    CatalogResult r = catalog(new LayerBuilder().file("var/lib/rpm/rpmdb.sqlite", main, 0644).file("var/lib/rpm/rpmdb.sqlite-wal", wal, 0644));
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.name()).containsExactly("curl");
  }

  @Test
  void aDatabaseThatIsNotSqliteIsAnUnknown() throws IOException {
    CatalogResult r = catalog(new LayerBuilder().file("var/lib/rpm/rpmdb.sqlite", "not a database at all".repeat(100)));
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith("read the Packages table of /var/lib/rpm/rpmdb.sqlite"));
  }
}
