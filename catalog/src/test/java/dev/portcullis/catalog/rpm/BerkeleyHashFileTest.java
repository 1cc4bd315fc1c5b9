package dev.portcullis.catalog.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The rpm-db-cataloger on Berkeley DB hash {@code Packages} files, sound and damaged. */
class BerkeleyHashFileTest {
  private static final int PAGE_SIZE = 512;
  private static final String PATH = "var/lib/rpm/Packages";

  @TempDir Path tmp;

  /** A header too long for a 512-byte page, so it lies on a chain of overflow pages. */
  static RpmCatalogerTest.Blob bigPackage() {
    String[] files = new String[60];
    int[] dirs = new int[files.length];
    for (int i = 0; i < files.length; i++) {
      files[i] = "module-" + i + ".so";
    }
    return new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "big").string(RpmHeader.VERSION, "2.0").string(RpmHeader.RELEASE, "1.el7")
        .string(RpmHeader.ARCH, "x86_64").string(RpmHeader.SOURCERPM, "big-2.0-1.el7.src.rpm").strings(RpmHeader.BASENAMES, files)
        .strings(RpmHeader.DIRNAMES, "/usr/lib64/big/").ints(RpmHeader.DIRINDEXES, dirs);
  }

  /** Record 0 (the next package number, as rpm keeps it), curl, big and a signing key, on pages 1, 2, 3 (+ overflow) and last. */
  static byte[] packages(ByteOrder order) {
    Map<Integer, byte[]> records = new LinkedHashMap<>();
    records.put(0, ByteBuffer.allocate(4).order(order).putInt(4).array());
    records.put(1, RpmCatalogerTest.curl().bytes());
    records.put(2, bigPackage().bytes());
    records.put(3, new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "gpg-pubkey").string(RpmHeader.VERSION, "f4a80eb5")
        .string(RpmHeader.RELEASE, "53a7ff4b").bytes());
    return RpmDatabaseFiles.berkeleyHash(order, PAGE_SIZE, records);
  }

  private CatalogResult catalog(byte[] file) throws IOException {
    return RpmCatalogerTest.catalog(tmp, new LayerBuilder().file(PATH, file, 0644));
  }

  @ParameterizedTest
  @EnumSource(ByteOrderName.class)
  void packagesOnHashAndOverflowPagesAreRead(ByteOrderName order) throws IOException {
    byte[] file = packages(order.order);
    assertThat(overflowPages(file)).as("big lies on overflow pages").hasSizeGreaterThan(2);
    CatalogResult r = catalog(file);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name).containsExactly("big", "curl");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/" + PATH));
    assertThat(r.packages().get(0).version()).isEqualTo("2.0-1.el7");
    assertThat(r.ownedFiles()).containsEntry("/usr/lib64/big/module-59.so", "big").containsEntry("/usr/bin/curl", "curl").hasSize(62);
  }

  enum ByteOrderName {
    LITTLE_ENDIAN(ByteOrder.LITTLE_ENDIAN),
    BIG_ENDIAN(ByteOrder.BIG_ENDIAN);

    final ByteOrder order;

    ByteOrderName(ByteOrder order) {
      this.order = order;
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aCyclicOverflowChainIsAnUnknownAndTheOtherRecordsAreRead() throws IOException {
    byte[] file = packages(ByteOrder.LITTLE_ENDIAN);
    int[] chain = overflowPages(file);
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(chain[chain.length - 1] * PAGE_SIZE + 16, chain[0]);
    b.putInt(valueItem(b, 3) + 8, 3000); // more than the chain holds, less than the file's pages could
    CatalogResult r = catalog(file);
    assertThat(r.packages()).extracting(Package::name).containsExactly("curl");
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason())
        .isEqualTo("page 3 item 0: overflow chain from page 4 returns to page 4"));
  }

  /** Damage to one record: that record is an Unknown saying why, the others are read. */
  static Stream<Arguments> damagedRecords() {
    return Stream.of(
        Arguments.of("value longer than the limit", (Consumer<ByteBuffer>) b -> b.putInt(valueItem(b, 3) + 8, Integer.MAX_VALUE),
            "page 3 item 0: value of 2147483647 bytes is longer than the limit of 1048576"),
        Arguments.of("value longer than the file could hold", (Consumer<ByteBuffer>) b -> b.putInt(valueItem(b, 3) + 8, 1 << 19),
            "page 3 item 0: value of 524288 bytes is longer than all 7 pages of the file could hold"),
        Arguments.of("chain into a hash page", (Consumer<ByteBuffer>) b -> b.putInt(valueItem(b, 3) + 4, 2),
            "page 3 item 0: overflow chain from page 2 reaches page 2 of type 13"),
        Arguments.of("chain past the last page", (Consumer<ByteBuffer>) b -> b.putInt(valueItem(b, 3) + 4, 4000),
            "page 3 item 0: overflow chain from page 4000 names page 4000 after 0 of"),
        Arguments.of("chain ends early", (Consumer<ByteBuffer>) b -> b.putInt(overflowPages(b.array())[1] * PAGE_SIZE + 16, 0),
            "page 3 item 0: overflow chain from page 4 names page 0 after 972 of"),
        Arguments.of("overflow page holds more than a page", (Consumer<ByteBuffer>) b -> b.putShort(4 * PAGE_SIZE + 22, (short) 600),
            "page 3 item 0: overflow page 4 holds 600 bytes"),
        Arguments.of("item offset inside the offsets table", (Consumer<ByteBuffer>) b -> b.putShort(2 * PAGE_SIZE + 28, (short) 20),
            "page 2 item 0: item 1 at offset 20 does not lie between the offsets table and"),
        Arguments.of("items out of order", (Consumer<ByteBuffer>) b -> b.putShort(2 * PAGE_SIZE + 28, (short) (PAGE_SIZE - 2)),
            "page 2 item 0: item 1 at offset 510 does not lie between the offsets table and 507"),
        Arguments.of("unknown item type", (Consumer<ByteBuffer>) b -> b.put(2 * PAGE_SIZE + (b.getShort(2 * PAGE_SIZE + 28) & 0xffff), (byte) 9),
            "page 2 item 0: item 1 has type 9"),
        Arguments.of("more items than a page has room for", (Consumer<ByteBuffer>) b -> b.putShort(2 * PAGE_SIZE + 20, (short) 0xffff),
            "page 2: 65535 item offsets do not fit in a page of 512 bytes"),
        Arguments.of("page number that is not the page's", (Consumer<ByteBuffer>) b -> b.putInt(2 * PAGE_SIZE + 8, 77),
            "page 2: hash page says it is page 77"),
        Arguments.of("header that is not an rpm header", (Consumer<ByteBuffer>) b -> b.putInt(2 * PAGE_SIZE + (b.getShort(2 * PAGE_SIZE + 28) & 0xffff) + 1, -1),
            "Packages record 1: header states -1 index entries"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedRecords")
  void aDamagedRecordIsAnUnknown(String defect, Consumer<ByteBuffer> damage, String reason) throws IOException {
    byte[] file = packages(ByteOrder.LITTLE_ENDIAN);
    damage.accept(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
    CatalogResult r = catalog(file);
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.reason()).startsWith(reason);
      assertThat(u.location().path()).isEqualTo("/" + PATH);
    });
    assertThat(r.packages()).hasSize(1);
  }

  /** Damage to the file as a whole: one Unknown saying why, no packages, no exception. */
  static Stream<Arguments> damagedFiles() {
    byte[] sound = packages(ByteOrder.LITTLE_ENDIAN);
    return Stream.of(
        Arguments.of("bad magic", damaged(sound, b -> b.putInt(12, 0x053162)), "magic 0x00053162 is not that of a Berkeley DB hash file"),
        Arguments.of("truncated", Arrays.copyOf(sound, sound.length - PAGE_SIZE / 2), "metadata names page 7 of 512 bytes as the last, the file of 3840 bytes ends within page 7"),
        Arguments.of("shorter than a metadata page", Arrays.copyOf(sound, 100), "file of 100 bytes is shorter than a 512-byte metadata page"),
        Arguments.of("page size not a power of two", damaged(sound, b -> b.putInt(20, 1000)), "page size 1000 is not a power of two"),
        Arguments.of("page size beyond 64 KiB", damaged(sound, b -> b.putInt(20, 1 << 20)), "page size 1048576 is not a power of two"),
        Arguments.of("last page beyond the file", damaged(sound, b -> b.putInt(32, -1)), "metadata names page 4294967295 of 512 bytes"),
        Arguments.of("unsupported version", damaged(sound, b -> b.putInt(16, 3)), "hash version 3 is not one of 8 to 10"),
        Arguments.of("not hash metadata", damaged(sound, b -> b.put(25, (byte) 9)), "page 0 has type 9, not hash metadata"),
        Arguments.of("encrypted", damaged(sound, b -> b.put(24, (byte) 1)), "pages are encrypted"),
        Arguments.of("checksummed", damaged(sound, b -> b.put(26, (byte) 1)), "pages carry checksums"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedFiles")
  void aDamagedFileIsAnUnknown(String defect, byte[] file, String reason) throws IOException {
    CatalogResult r = catalog(file);
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith("read the Berkeley DB hash file /" + PATH + ": " + reason));
  }

  @Test
  void aSqliteDatabaseBesideIsPreferredAndAnotherDirectoryIsReadToo() throws Exception {
    byte[] sqlite = RpmCatalogerTest.sqliteBytes(tmp, new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "bash").string(RpmHeader.VERSION, "5.2")
        .string(RpmHeader.RELEASE, "1.fc40").bytes());
    CatalogResult r = RpmCatalogerTest.catalog(tmp, new LayerBuilder().file(PATH, packages(ByteOrder.LITTLE_ENDIAN), 0644)
        .file("var/lib/rpm/rpmdb.sqlite", sqlite, 0644).file("usr/lib/sysimage/rpm/Packages", packages(ByteOrder.BIG_ENDIAN), 0644));
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.name() + " " + p.location().path())
        .containsExactly("bash /var/lib/rpm/rpmdb.sqlite", "big /usr/lib/sysimage/rpm/Packages", "curl /usr/lib/sysimage/rpm/Packages");
  }

  private static byte[] damaged(byte[] sound, Consumer<ByteBuffer> damage) {
    byte[] copy = sound.clone();
    damage.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    return copy;
  }

  /** Offset of the value item on hash page {@code pgno}. */
  private static int valueItem(ByteBuffer b, int pgno) {
    return pgno * PAGE_SIZE + (b.getShort(pgno * PAGE_SIZE + 28) & 0xffff);
  }

  private static int[] overflowPages(byte[] file) {
    return java.util.stream.IntStream.range(1, file.length / PAGE_SIZE).filter(p -> file[p * PAGE_SIZE + 25] == RpmDatabaseFiles.P_OVERFLOW).toArray();
  }
}
