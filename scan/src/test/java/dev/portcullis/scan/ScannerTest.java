package dev.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.scan.ScanFixtures.CountedImage;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  @TempDir static Path shared;
  static Map<String, ImageSource> images;
  static Path db;

  @BeforeAll
  static void fixtures() throws IOException {
    images = ScanFixtures.write(shared.resolve("images"));
    db = ScanFixtures.database(shared);
  }

  private static ReadOptions read(Path tmp) throws IOException {
    return ReadOptions.defaults().withTempDir(Files.createDirectories(tmp));
  }

  /** What a user sees of an assessment: its JSON and its table. */
  static String seen(Assessment a) {
    return AssessmentWriter.json(a) + "\n" + AssessmentWriter.table(a);
  }

  @Test
  void aColdScanReadsEachLayerOnceForEveryScannerAndAWarmScanReadsNone(@TempDir Path tmp) throws IOException {
    try (Database database = Database.open(db)) {
      ReadOptions read = read(tmp.resolve("tmp"));
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(new LayerCache(tmp.resolve("cache"))).withRead(read));
      Assessment cold;
      try (CountedImage image = ScanFixtures.open(images.get("lodash"), read)) {
        cold = scanner.scan(image, null);
        assertThat(image.layers()).hasSize(2);
        for (Layer l : image.layers()) {
          assertThat(image.opened(l)).as("opens of layer %d", l.index()).isEqualTo(1);
          assertThat(image.bytesRead(l)).as("bytes read from layer %d", l.index()).isEqualTo(l.size());
        }
      }
      // every scanner had what it needed from that one pass
      assertThat(cold.vulnerabilities().orElseThrow().findings()).extracting(Finding.Vulnerability::id)
          .containsExactlyInAnyOrder("GHSA-test-lodash", "GHSA-test-minimist");
      assertThat(cold.catalog().orElseThrow().packages()).extracting(p -> p.name()).contains("zlib1g", "base-files", "lodash", "minimist");
      assertThat(cold.checks()).isPresent();
      // the image facts: platform, and each layer with its diffID and the step that made it
      assertThat(cold.subject().platform()).hasValueSatisfying(p -> assertThat(p.toString()).isEqualTo("linux/amd64"));
      assertThat(cold.subject().layers()).extracting(Assessment.LayerFacts::createdBy)
          .containsExactly(java.util.Optional.of("ADD rootfs.tar /"), java.util.Optional.of("COPY . /app"));
      assertThat(cold.subject().layers().get(0).diffId()).isEqualTo(cold.subject().config().orElseThrow().diffIds().get(0));

      try (CountedImage image = ScanFixtures.open(images.get("lodash"), read)) {
        Assessment warm = scanner.scan(image, null);
        for (Layer l : image.layers()) {
          assertThat(image.opened(l)).as("opens of layer %d, warm", l.index()).isZero();
        }
        assertThat(seen(warm)).isEqualTo(seen(cold));
      }
    }
  }

  /**
   * The next process (a new scanner on the same cache) reads no layer and searches no file for
   * secrets again: what the search found in each layer is kept in the cache beside the layer's
   * texts, and gives the same report.
   */
  @Test
  void theNextProcessTakesTheSecretSearchOfEachLayerFromTheCache(@TempDir Path tmp) throws IOException {
    Path cacheDir = tmp.resolve("cache");
    ReadOptions read = read(tmp.resolve("tmp"));
    Assessment cold;
    try (CountedImage image = ScanFixtures.open(images.get("token"), read)) {
      cold = new Scanner(ScanOptions.rules(java.util.EnumSet.of(ScanType.SECRET)).withCache(new LayerCache(cacheDir)).withRead(read)).scan(image, null);
    }
    assertThat(cold.checks().orElseThrow().findings()).anyMatch(f -> f.id().startsWith("PCS-SECRET-"));
    List<Path> kept;
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("text-search-secrets"))) {
      kept = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(kept).isNotEmpty().allSatisfy(f -> assertThat(f.getFileName().toString()).matches("sha256-[0-9a-f]{64}\\.bin"));
    // the secret itself is not in what the search kept
    for (Path f : kept) {
      assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("F1xtureT0kenF1xtureT0kenF1xtureT0ken");
    }
    // without the image's own results (kept too), the next process goes through each layer's
    deleteTree(cacheDir.resolve("image-results"));
    try (CountedImage image = ScanFixtures.open(images.get("token"), read)) {
      Assessment next = new Scanner(ScanOptions.rules(java.util.EnumSet.of(ScanType.SECRET)).withCache(new LayerCache(cacheDir)).withRead(read))
          .scan(image, null);
      for (Layer l : image.layers()) {
        assertThat(image.opened(l)).as("opens of layer %d, next process", l.index()).isZero();
      }
      assertThat(seen(next)).isEqualTo(seen(cold));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * What reading an image gave is kept whole: the next process (a new scanner on the same cache)
   * opens no layer and gives the same assessment; a damaged entry is read past; the scanners that
   * run are part of its key.
   */
  @Test
  void theNextProcessTakesTheWholeImagesResultsFromTheCache(@TempDir Path tmp) throws IOException {
    Path cacheDir = tmp.resolve("cache");
    ReadOptions read = read(tmp.resolve("tmp"));
    try (Database database = Database.open(db)) {
      Assessment cold = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"));
      assertThat(cold.checks()).isPresent();
      Path kept;
      try (Stream<Path> walk = Files.walk(cacheDir.resolve("image-results"))) {
        List<Path> files = walk.filter(Files::isRegularFile).toList();
        assertThat(files).hasSize(1);
        kept = files.get(0);
      }
      try (CountedImage image = ScanFixtures.open(images.get("lodash"), read)) {
        Assessment next = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(image, null);
        for (Layer l : image.layers()) {
          assertThat(image.opened(l)).as("opens of layer %d, next process", l.index()).isZero();
        }
        assertThat(seen(next)).isEqualTo(seen(cold));
      }
      // a damaged entry is a miss: the layers' own results serve, and the entry is written again
      byte[] whole = Files.readAllBytes(kept);
      Files.write(kept, java.util.Arrays.copyOf(whole, whole.length / 2));
      assertThat(seen(new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"))))
          .isEqualTo(seen(cold));
      assertThat(Files.readAllBytes(kept)).isEqualTo(whole);
      // the scanners that run are part of the key: the vulnerability scanner alone gets an entry of its own
      Scanner vulnOnly = new Scanner(ScanOptions.all(database).withTypes(java.util.EnumSet.of(ScanType.VULN)).withCache(new LayerCache(cacheDir)).withRead(read));
      assertThat(vulnOnly.scan(images.get("lodash")).checks()).isEmpty();
      try (Stream<Path> walk = Files.walk(cacheDir.resolve("image-results"))) {
        assertThat(walk.filter(Files::isRegularFile).count()).isEqualTo(2);
      }
      // checks that are not the built-ins themselves (a custom rule, an extension) may depend on more than the key holds: nothing is kept
      Scanner custom = new Scanner(ScanOptions.all(database).withChecks(dev.portcullis.rules.secrets.SecretChecks.all())
          .withCache(new LayerCache(cacheDir)).withRead(read));
      assertThat(custom.scan(images.get("token")).checks()).isPresent();
      try (Stream<Path> walk = Files.walk(cacheDir.resolve("image-results"))) {
        assertThat(walk.filter(Files::isRegularFile).count()).isEqualTo(2);
      }
    }
  }

  /**
   * The vulnerability matches are kept beside the image's results, per database: the next process
   * against the same database takes them from the cache (a note planted in the kept entry shows), a
   * damaged entry is matched again, and a database replaced by another (as {@code db update} does,
   * by renaming) is matched anew.
   */
  @Test
  void theNextProcessTakesTheMatchesFromTheCacheUntilTheDatabaseIsReplaced(@TempDir Path tmp) throws IOException {
    Path cacheDir = tmp.resolve("cache");
    ReadOptions read = read(tmp.resolve("tmp"));
    Path file = ScanFixtures.database(tmp.resolve("a"));
    Assessment cold;
    Path kept;
    try (Database database = Database.open(file)) {
      cold = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"));
      assertThat(cold.vulnerabilities().orElseThrow().findings()).extracting(Finding.Vulnerability::id).containsExactlyInAnyOrder("GHSA-test-lodash", "GHSA-test-minimist");
      kept = single(cacheDir.resolve("image-matches"));
    }
    byte[] whole = Files.readAllBytes(kept);
    try (Database database = Database.open(file)) {
      // each scanner a process of its own: a cache with nothing in memory yet
      java.util.function.Supplier<ScanOptions> process = () -> ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read);
      ScanOptions options = process.get();
      assertThat(seen(new Scanner(options).scan(images.get("lodash")))).isEqualTo(seen(cold));
      // the entry is what the next scan reads: one planted there shows in the report
      Assessment again = new Scanner(process.get()).scan(images.get("lodash"));
      List<dev.portcullis.core.Package> packages = again.catalog().orElseThrow().packages();
      ImageResults.Matches planted = new ImageResults.Matches(new dev.portcullis.vuln.match.VulnerabilityMatcher.Result(
          List.of(), List.of("planted in the cache")), "2025-01-01T00:00:00Z");
      Digest key;
      try (Image image = dev.portcullis.oci.images.Images.open(images.get("lodash"), read)) {
        key = ImageKey.matches(java.util.Objects.requireNonNull(new ImageKey(options).of(image)), database);
      }
      new LayerCache(cacheDir).put(ImageResults.matches(packages), java.util.Objects.requireNonNull(key), planted);
      assertThat(new Scanner(process.get()).scan(images.get("lodash")).vulnerabilities().orElseThrow().notes()).contains("planted in the cache");
      // a damaged entry is a miss: matched again and written again as it was
      Files.write(kept, java.util.Arrays.copyOf(whole, whole.length - 3));
      assertThat(seen(new Scanner(process.get()).scan(images.get("lodash")))).isEqualTo(seen(cold));
      assertThat(Files.readAllBytes(kept)).isEqualTo(whole);
    }
    // a database of minimist's advisory alone renamed over the first: the kept matches are not its own
    Path other = ScanFixtures.databaseOf(tmp.resolve("b").resolve("vuln.db"), "GHSA-test-minimist.json");
    Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    try (Database database = Database.open(file)) {
      Assessment replaced = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"));
      assertThat(replaced.vulnerabilities().orElseThrow().findings()).extracting(Finding.Vulnerability::id).containsExactly("GHSA-test-minimist");
      assertThat(seen(replaced)).isEqualTo(seen(new Scanner(ScanOptions.all(database).withRead(read)).scan(images.get("lodash"))));
    }
    try (Stream<Path> walk = Files.walk(cacheDir.resolve("image-matches"))) {
      assertThat(walk.filter(Files::isRegularFile).count()).as("matches kept, one per database").isEqualTo(2);
    }
  }

  /**
   * A database opened deferred is connected before a cold scan reads any layer, so a file that is not one fails the
   * scan first; a re-scan whose matches the cache holds never connects: the file replaced after it was opened does
   * not disturb it, where a connection would refuse it.
   */
  @Test
  void aDeferredDatabaseIsConnectedBeforeTheLayersAndNotAtAllWhenTheMatchesAreKept(@TempDir Path tmp) throws IOException {
    Path cacheDir = tmp.resolve("cache");
    ReadOptions read = read(tmp.resolve("tmp"));
    Path junk = Files.writeString(tmp.resolve("junk.db"), "not a database, ".repeat(64));
    try (Database database = Database.deferred(junk); CountedImage image = ScanFixtures.open(images.get("lodash"), read)) {
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read));
      assertThatThrownBy(() -> scanner.scan(image, null)).isInstanceOf(dev.portcullis.vuln.db.DatabaseException.class)
          .hasMessageStartingWith("open vulnerability database " + junk + ": ");
      for (Layer l : image.layers()) {
        assertThat(image.opened(l)).as("opens of layer %d", l.index()).isZero();
      }
    }
    Path file = ScanFixtures.database(tmp.resolve("a"));
    Assessment cold;
    try (Database database = Database.deferred(file)) {
      cold = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"));
    }
    try (Database database = Database.deferred(file)) {
      Files.move(junk, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(seen(new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read)).scan(images.get("lodash"))))
          .isEqualTo(seen(cold));
      // what a connection would have met
      assertThatThrownBy(database::connect).isInstanceOf(dev.portcullis.vuln.db.DatabaseException.class)
          .hasMessageStartingWith("open vulnerability database " + file + ": ");
    }
  }

  private static Path single(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> files = walk.filter(Files::isRegularFile).toList();
      assertThat(files).hasSize(1);
      return files.get(0);
    }
  }

  /** A directory changes in place: scanned with a cache, it is read again each time and nothing of it is kept. */
  @Test
  void aDirectoryScannedWithACacheKeepsNothingOfIt(@TempDir Path tmp) throws IOException {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve(".env"), "export TOKEN=ghp_" + "D1rF1xture".repeat(4).substring(0, 36) + "\n");
    Path cacheDir = tmp.resolve("cache");
    Scanner scanner = new Scanner(ScanOptions.rules(java.util.EnumSet.of(ScanType.SECRET)).withCache(new LayerCache(cacheDir)).withRead(read(tmp.resolve("tmp"))));
    Assessment first = scanner.scan(ImageSource.parse("dir:" + project));
    assertThat(first.checks().orElseThrow().findings()).anyMatch(f -> f.id().startsWith("PCS-SECRET-"));
    Files.writeString(project.resolve(".env"), "nothing here\n");
    assertThat(scanner.scan(ImageSource.parse("dir:" + project)).checks().orElseThrow().findings()).isEmpty();
    if (Files.exists(cacheDir)) {
      try (Stream<Path> walk = Files.walk(cacheDir)) {
        assertThat(walk.filter(Files::isRegularFile).toList()).isEmpty();
      }
    }
  }

  @Test
  void withoutACacheEveryScanReadsEachLayerOnce(@TempDir Path tmp) throws IOException {
    try (Database database = Database.open(db)) {
      ReadOptions read = read(tmp.resolve("tmp"));
      Scanner scanner = new Scanner(ScanOptions.all(database).withRead(read));
      for (int round = 0; round < 2; round++) {
        try (CountedImage image = ScanFixtures.open(images.get("token"), read)) {
          Assessment a = scanner.scan(image, null);
          for (Layer l : image.layers()) {
            assertThat(image.opened(l)).isEqualTo(1);
            assertThat(image.bytesRead(l)).isEqualTo(l.size());
          }
          assertThat(a.checks().orElseThrow().findings()).anyMatch(f -> f.id().startsWith("PCS-SECRET-"));
        }
      }
    }
  }

  @Test
  void theSecretScannerAloneNeedsNoDatabaseAndFindsTheToken(@TempDir Path tmp) throws IOException {
    Scanner scanner = new Scanner(ScanOptions.rules(java.util.EnumSet.of(ScanType.SECRET)).withRead(read(tmp)));
    Assessment a = scanner.scan(images.get("token"));
    assertThat(a.vulnerabilities()).isEmpty();
    assertThat(a.catalog()).isEmpty();
    assertThat(a.checks().orElseThrow().findings()).isNotEmpty().allMatch(f -> f.id().startsWith("PCS-SECRET-"));
    // the token is never written in full
    assertThat(seen(a)).doesNotContain("F1xtureT0kenF1xtureT0kenF1xtureT0ken");
  }

  /**
   * A lock file's development dependency (lodash, {@code "dev": true}) is not matched unless asked,
   * and the report says how many were left out; its other entries (minimist) are matched either way.
   */
  @Test
  void developmentDependenciesAreMatchedOnlyWhenIncluded(@TempDir Path tmp) throws IOException {
    String lock = """
        {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": {
          "": {"name": "app", "version": "1.0.0", "dependencies": {"minimist": "1.2.5"}, "devDependencies": {"lodash": "4.17.20"}},
          "node_modules/lodash": {"version": "4.17.20", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz", "dev": true},
          "node_modules/minimist": {"version": "1.2.5", "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz"}}}
        """;
    Path layout = tmp.resolve("lock");
    new OciLayoutBuilder().refName("lock")
        .layer(ScanFixtures.base().dir("app").file("app/package-lock.json", lock).build(), Compression.NONE, "ADD rootfs.tar /")
        .write(layout);
    ImageSource source = ImageSource.parse("oci-dir:" + layout + ":lock");
    try (Database database = Database.open(db)) {
      ScanOptions options = ScanOptions.all(database).withRead(read(tmp.resolve("t")));
      var left = new Scanner(options).scan(source).vulnerabilities().orElseThrow();
      var all = new Scanner(options.withIncludeDev(true)).scan(source).vulnerabilities().orElseThrow();
      assertThat(left.findings()).extracting(f -> f.pkg().name()).containsExactly("minimist");
      assertThat(left.notes()).contains("1 development dependency of lock files not matched (--include-dev matches them)");
      assertThat(all.findings()).extracting(f -> f.pkg().name()).containsExactlyInAnyOrder("lodash", "minimist");
      assertThat(all.notes()).noneMatch(n -> n.contains("development"));
    }
  }

  /** A layer of 1 MiB that streams 4 KiB every 10 ms: a scan of it takes seconds, so a cancellation lands mid-layer. */
  private static ImageSource slowLayout(Path dir) {
    byte[] big = new byte[1 << 20];
    java.util.Arrays.fill(big, (byte) 'a');
    new OciLayoutBuilder().refName("slow")
        .layer(ScanFixtures.base().file("srv/data.txt", big, 0644).build(), Compression.NONE, "ADD rootfs.tar /")
        .write(dir);
    return ImageSource.parse("oci-dir:" + dir + ":slow");
  }

  /** {@code image} with every layer read in 4 KiB pieces, 10 ms apart; {@code started} counts down at the first read. */
  private static Image slow(Image image, CountDownLatch started) {
    return new ScanFixtures.CountedImage(image) {
      @Override
      public List<Layer> layers() {
        return image.layers().stream().map(l -> (Layer) new Throttled(l, started)).toList();
      }
    };
  }

  private record Throttled(Layer layer, CountDownLatch started) implements Layer {
    @Override public int index() { return layer.index(); }
    @Override public dev.portcullis.core.Digest digest() { return layer.digest(); }
    @Override public dev.portcullis.core.Digest diffId() { return layer.diffId(); }
    @Override public long size() { return layer.size(); }
    @Override public String mediaType() { return layer.mediaType(); }
    @Override public java.util.Optional<String> createdBy() { return layer.createdBy(); }

    @Override
    public InputStream open() throws IOException {
      return new java.io.FilterInputStream(layer.open()) {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          started.countDown();
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
          }
          return in.read(b, off, Math.min(len, 4096));
        }
      };
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aScanPastItsDeadlineStopsMidLayerAndLeavesTheCacheConsistent(@TempDir Path tmp) throws IOException {
    ImageSource source = slowLayout(tmp.resolve("slow"));
    Path cacheDir = tmp.resolve("cache");
    Path temp = tmp.resolve("tmp");
    try (Database database = Database.open(db)) {
      ReadOptions read = read(temp);
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read));
      try (Image image = slow(dev.portcullis.oci.images.Images.open(source, read), new CountDownLatch(1))) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> scanner.scan(image, null, Duration.ofMillis(300)))
            .isInstanceOf(ScanCancelledException.class)
            .hasMessageContaining("cancelled, its deadline of 300 ms passed"));
      }
      assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is not left on the caller").isFalse();
      assertThat(files(cacheDir)).as("no entry of the layer that was cut, no half-written file").isEmpty();
      assertThat(files(temp)).as("temporary files").isEmpty();

      Assessment after = scanner.scan(source);
      Assessment fresh = new Scanner(ScanOptions.all(database).withRead(read)).scan(source);
      assertThat(seen(after)).isEqualTo(seen(fresh));
      assertThat(fresh.catalog().orElseThrow().packages()).isNotEmpty();
    }
  }

  /**
   * What a scan of {@code image}, its layers read slowly, ended with when its thread was interrupted
   * once {@code layers} layers were being read; the scan must end within a minute of it.
   */
  private static Throwable interruptedOnceReading(Scanner scanner, Image image, int layers) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(layers);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Image slowed = slow(image, started);
    Thread worker = new Thread(() -> {
      try {
        scanner.scan(slowed, null);
        outcome.set(new AssertionError("the scan finished"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    worker.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).as(layers + " layers read at once").isTrue();
    worker.interrupt();
    worker.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(worker.isAlive()).as("the scan still runs a minute after its interrupt").isFalse();
    return outcome.get();
  }

  @Test
  void anInterruptedScanStopsMidLayer(@TempDir Path tmp) throws Exception {
    ImageSource source = slowLayout(tmp.resolve("slow"));
    Path cacheDir = tmp.resolve("cache");
    try (Database database = Database.open(db)) {
      ReadOptions read = read(tmp.resolve("tmp"));
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read));
      Throwable outcome;
      try (Image image = Images.open(source, read)) {
        outcome = interruptedOnceReading(scanner, image, 1);
      }
      assertThat(outcome).isInstanceOf(ScanCancelledException.class).hasMessageContaining("cancelled");
      assertThat(files(cacheDir)).isEmpty();
      assertThat(seen(scanner.scan(source))).isEqualTo(seen(new Scanner(ScanOptions.all(database).withRead(read)).scan(source)));
    }
  }

  @Test
  void anInterruptStopsEveryLayerReadBesideTheCallersAndKeepsNoneOfThem(@TempDir Path tmp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core reads one layer at a time");
    byte[] a = new byte[1 << 20];
    byte[] b = new byte[1 << 20];
    java.util.Arrays.fill(a, (byte) 'a');
    java.util.Arrays.fill(b, (byte) 'b');
    Path dir = tmp.resolve("slow2");
    new OciLayoutBuilder().refName("slow2")
        .layer(ScanFixtures.base().file("srv/a.txt", a, 0644).build(), Compression.NONE, "ADD rootfs.tar /")
        .layer(new dev.portcullis.testkit.LayerBuilder().file("srv/b.txt", b, 0644).build(), Compression.NONE, "COPY b.txt /srv/")
        .write(dir);
    ImageSource source = ImageSource.parse("oci-dir:" + dir + ":slow2");
    Path cacheDir = tmp.resolve("cache");
    Path temp = tmp.resolve("tmp");
    try (Database database = Database.open(db)) {
      ReadOptions read = read(temp);
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read));
      Throwable outcome;
      try (Image image = Images.open(source, read)) {
        // both layers are being read when the interrupt comes
        outcome = interruptedOnceReading(scanner, image, 2);
      }
      assertThat(outcome).isInstanceOf(ScanCancelledException.class).hasMessageContaining("cancelled");
      assertThat(Thread.getAllStackTraces().keySet()).as("a layer read left running").noneMatch(t -> t.getName().equals("layer pass") && t.isAlive());
      assertThat(files(cacheDir)).as("no entry of a layer that was cut").isEmpty();
      assertThat(files(temp)).as("temporary files").isEmpty();
      assertThat(seen(scanner.scan(source))).isEqualTo(seen(new Scanner(ScanOptions.all(database).withRead(read)).scan(source)));
    }
  }
}
