package dev.portcullis.catalog.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rpm-db-cataloger on ndb {@code Packages.db} files, sound and damaged. */
class NdbPackageFileTest {
  private static final String PATH = "usr/lib/sysimage/rpm/Packages.db";
  /** Where the first slot, package 1's, lies: right after the 32-byte header. */
  private static final int FIRST_SLOT = 32;

  @TempDir Path tmp;

  private static byte[] bash() {
    return new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "bash").string(RpmHeader.VERSION, "5.2.15").string(RpmHeader.RELEASE, "150500.1.1")
        .string(RpmHeader.ARCH, "x86_64").strings(RpmHeader.BASENAMES, "bash").strings(RpmHeader.DIRNAMES, "/usr/bin/").ints(RpmHeader.DIRINDEXES, 0)
        .bytes();
  }

  private static byte[] signingKey() {
    return new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "gpg-pubkey").string(RpmHeader.VERSION, "3dbdc284").string(RpmHeader.RELEASE, "53674dd4")
        .bytes();
  }

  /** Packages 1 curl, 2 big (erased), 3 bash, 4 a signing key; generation 9. */
  static byte[] packages() {
    return RpmDatabaseFiles.ndb(9, 1, List.of(RpmCatalogerTest.curl().bytes(), BerkeleyHashFileTest.bigPackage().bytes(), bash(), signingKey()), 2);
  }

  private CatalogResult catalog(byte[] file) throws IOException {
    return RpmCatalogerTest.catalog(tmp, new LayerBuilder().file(PATH, file, 0644));
  }

  @Test
  void usedSlotsAreReadAndFreedSlotsAndSigningKeysLeftOut() throws IOException {
    byte[] file = packages();
    assertThat(slot(file, 2)).as("package 2's slot is free").containsExactly(NdbPackageFile.SLOT_MAGIC, 0, 0, 0);
    CatalogResult r = catalog(file);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name).containsExactly("bash", "curl");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/" + PATH));
    assertThat(r.ownedFiles()).containsOnlyKeys("/usr/bin/bash", "/usr/bin/curl", "/usr/share/man/man1/curl.1.gz");
  }

  @Test
  void slotsOnEveryslotPageAreRead() throws IOException {
    List<byte[]> blobs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      blobs.add(new RpmCatalogerTest.Blob().string(RpmHeader.NAME, "p" + i).string(RpmHeader.VERSION, "1").string(RpmHeader.RELEASE, "1").bytes());
    }
    CatalogResult r = catalog(RpmDatabaseFiles.ndb(3, 2, blobs, 0));
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).hasSize(300).extracting(Package::name).contains("p0", "p254", "p255", "p299");
  }

  /** Damage to one package's slot or blob: that package is an Unknown saying why, the others are read. */
  static Stream<Arguments> damagedPackages() {
    return Stream.of(
        Arguments.of("blob past the end of the file", (Consumer<ByteBuffer>) b -> b.putInt(FIRST_SLOT + 8, 1 << 20),
            "Packages.db package 1: blob of 19 blocks at byte 16777216 does not fit in the file of"),
        Arguments.of("blob inside the slot pages", (Consumer<ByteBuffer>) b -> b.putInt(FIRST_SLOT + 8, 2),
            "Packages.db package 1: blob at byte 32 lies within the 1 slot pages"),
        Arguments.of("blob with a bad magic", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 1), 0x12345678),
            "Packages.db package 1: blob at byte 4096 has magic 0x12345678, not BlbS"),
        Arguments.of("blob of another package", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 1) + 4, 3),
            "Packages.db package 1: blob at byte 4096 belongs to package 3"),
        Arguments.of("blob longer than the limit", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 1) + 12, -1),
            "Packages.db package 1: blob of 4294967295 bytes is longer than the limit of 1048576"),
        Arguments.of("blob longer than its slot", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 1) + 12, 2000),
            "Packages.db package 1: blob of 2000 bytes does not fill the slot's 19 blocks"),
        Arguments.of("blob without its tail", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 2) - 4, 0),
            "Packages.db package 1: blob at byte 4096 does not end with its length and BlbE"),
        Arguments.of("two slots for one package", (Consumer<ByteBuffer>) b -> b.putInt(FIRST_SLOT + 3 * 16 + 4, 1),
            "Packages.db package 1: a second slot names this package"),
        Arguments.of("header that is not an rpm header", (Consumer<ByteBuffer>) b -> b.putInt(blob(b, 1) + 16, 0),
            "Packages.db package 1: header states 0 index entries"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedPackages")
  void aDamagedPackageIsAnUnknown(String defect, Consumer<ByteBuffer> damage, String reason) throws IOException {
    byte[] file = packages();
    damage.accept(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
    CatalogResult r = catalog(file);
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith(reason));
    assertThat(r.packages()).extracting(Package::name).contains("bash");
  }

  @Test
  void aSlotWithoutItsMagicIsFree() throws IOException {
    byte[] file = packages();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(FIRST_SLOT, 0);
    CatalogResult r = catalog(file);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(Package::name).containsExactly("bash");
  }

  /** Damage to the file as a whole: one Unknown saying why, no packages, no exception. */
  static Stream<Arguments> damagedFiles() {
    byte[] sound = packages();
    return Stream.of(
        Arguments.of("bad magic", damaged(sound, b -> b.putInt(0, 0x61150600)), "magic 0x61150600 is not RpmP"),
        Arguments.of("unknown version", damaged(sound, b -> b.putInt(4, 1)), "version 1 is not 0"),
        Arguments.of("no slot pages", damaged(sound, b -> b.putInt(12, 0)), "0 slot pages of 4096 bytes do not fit"),
        Arguments.of("more slot pages than the file", damaged(sound, b -> b.putInt(12, -1)), "4294967295 slot pages of 4096 bytes do not fit"),
        Arguments.of("shorter than its header", Arrays.copyOf(sound, 20), "file of 20 bytes is shorter than the 32-byte header"),
        Arguments.of("truncated within the slot page", Arrays.copyOf(sound, 1000), "1 slot pages of 4096 bytes do not fit in the file of 1000 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedFiles")
  void aDamagedFileIsAnUnknown(String defect, byte[] file, String reason) throws IOException {
    CatalogResult r = catalog(file);
    assertThat(r.packages()).isEmpty();
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith("read the ndb package file /" + PATH + ": " + reason));
  }

  @Test
  void aTruncatedBlobIsAnUnknownAndTheBlobsBeforeItAreRead() throws IOException {
    byte[] sound = packages();
    int lastBlobStart = blob(ByteBuffer.wrap(sound).order(ByteOrder.LITTLE_ENDIAN), 4);
    CatalogResult r = catalog(Arrays.copyOf(sound, lastBlobStart + 20));
    assertThat(r.packages()).extracting(Package::name).containsExactly("bash", "curl");
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.reason()).startsWith("Packages.db package 4: blob of"));
  }

  private static byte[] damaged(byte[] sound, Consumer<ByteBuffer> damage) {
    byte[] copy = sound.clone();
    damage.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    return copy;
  }

  private static int[] slot(byte[] file, int pkg) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int at = FIRST_SLOT + (pkg - 1) * 16;
    return new int[] {b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12)};
  }

  /** The byte offset of package {@code pkg}'s blob, from its slot as written, whether or not it was erased. */
  private static int blob(ByteBuffer b, int pkg) {
    int offset = 4096;
    for (int p = 1; p < pkg; p++) {
      int blocks = b.getInt(FIRST_SLOT + (p - 1) * 16 + 12);
      offset += blocks == 0 ? erasedBlocks(p) * 16 : blocks * 16;
    }
    return offset;
  }

  private static int erasedBlocks(int pkg) {
    return pkg == 2 ? (16 + BerkeleyHashFileTest.bigPackage().bytes().length + 12 + 15) / 16 : 0;
  }
}
