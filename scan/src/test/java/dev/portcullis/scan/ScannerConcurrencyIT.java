package dev.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.vuln.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link Scanner} shared by 8 threads, each scanning the 4 fixture images 20 times in its own
 * order, from a cold layer cache: every result is exactly the serial one, no temporary file is left,
 * and the cache holds one entry per layer diffID and analyser.
 */
class ScannerConcurrencyIT {
  private static final int THREADS = 8;
  private static final int ROUNDS = 20;

  @Test
  void eightThreadsThroughOneScannerGiveTheSerialResults(@TempDir Path tmp) throws Exception {
    Map<String, ImageSource> images = ScanFixtures.write(tmp.resolve("images"));
    Path db = ScanFixtures.database(tmp);
    Path temp = Files.createDirectories(tmp.resolve("tmp"));
    Path cacheDir = tmp.resolve("cache");
    ReadOptions read = ReadOptions.defaults().withTempDir(temp);
    Set<String> before = portcullisTempFiles();
    try (Database database = Database.open(db)) {
      Map<String, String> serial = new HashMap<>();
      Scanner uncached = new Scanner(ScanOptions.all(database).withRead(read));
      for (var e : images.entrySet()) {
        serial.put(e.getKey(), ScannerTest.seen(uncached.scan(e.getValue())));
      }
      assertThat(new HashSet<>(serial.values())).as("the four images give four different results").hasSize(4);

      Scanner shared = new Scanner(ScanOptions.all(database).withCache(new LayerCache(cacheDir)).withRead(read));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<List<String>>> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int offset = t;
          runs.add(pool.submit(() -> {
            List<String> mismatches = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
              for (int i = 0; i < ScanFixtures.NAMES.size(); i++) {
                String name = ScanFixtures.NAMES.get((i + offset + round) % ScanFixtures.NAMES.size());
                String seen = ScannerTest.seen(shared.scan(images.get(name)));
                if (!seen.equals(serial.get(name))) {
                  mismatches.add(name + " in round " + round);
                }
              }
            }
            return mismatches;
          }));
        }
        for (Future<List<String>> run : runs) {
          assertThat(run.get()).as("scans whose result differs from the serial one").isEmpty();
        }
      } finally {
        pool.shutdownNow();
      }
    }
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.toList()).as("temporary files left").isEmpty();
    }
    assertThat(portcullisTempFiles()).as("temporary files left in java.io.tmpdir").isSubsetOf(before);

    // 5 distinct layers (the shared base and 4 application layers), 3 analysers (index, texts, catalog captures)
    Map<String, Integer> perAnalyzer = new HashMap<>();
    try (Stream<Path> walk = Files.walk(cacheDir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        assertThat(f.getFileName().toString()).as("a cache file").matches("sha256-[0-9a-f]{64}\\.bin");
        perAnalyzer.merge(cacheDir.relativize(f.getParent()).toString(), 1, Integer::sum);
      }
    }
    // and what the secret search found, kept for each layer it searched a file of (at most one entry per layer)
    Integer searched = perAnalyzer.remove("text-search-secrets/v1");
    // and what reading each of the 4 images gave, once per image (the later scans of it read no layer)
    assertThat(perAnalyzer.remove("image-results/v1")).as("images whose results are kept").isEqualTo(4);
    // and their vulnerability matches against the one database
    assertThat(perAnalyzer.remove("image-matches/v1")).as("images whose matches are kept").isEqualTo(4);
    assertThat(searched).as("layers whose secret search is kept").isNotNull().isBetween(1, 5);
    assertThat(perAnalyzer).hasSize(3).allSatisfy((analyzer, entries) -> assertThat(entries).as(analyzer).isEqualTo(5));
  }

  /** What the engine could leave in java.io.tmpdir; the test launchers' own directories (registries, images, databases) are other processes'. */
  private static Set<String> portcullisTempFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return new HashSet<>(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("portcullis-"))
          .filter(n -> !n.matches("portcullis-(registry|gate-images|pg|test)-.*|portcullis-registry-logs")).toList());
    }
  }
}
