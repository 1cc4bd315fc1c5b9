package dev.portcullis.server.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.testkit.SyntheticAdvisories;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseException;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scanners follow a replaced vulnerability database file; a scan keeps the database it started with until it ends. */
class ScannersTest {
  static final Instant A = Instant.parse("2026-11-01T10:00:00Z");
  static final Instant B = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ServerLog log = new ServerLog(new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC());
  final AtomicInteger built = new AtomicInteger();
  final Scanners.Factory factory = db -> {
    built.incrementAndGet();
    return Map.of("dev", new Scanner(ScanOptions.all(db)));
  };

  /** Builds a database at {@code target} as {@code portcullis db import} does: built elsewhere, renamed into place. */
  void importAt(Path target, Instant builtAt) throws Exception {
    Path zip = dir.resolve("advisories-" + builtAt.toEpochMilli() + ".zip");
    SyntheticAdvisories.write(zip, 10, 3);
    new DatabaseImporter(ImportOptions.defaults().withClock(Clock.fixed(builtAt, ZoneOffset.UTC))).importInto(target, List.of(zip));
  }

  static Database database(Scanners.Lease lease) {
    return java.util.Objects.requireNonNull(lease.scanner("dev").options().database());
  }

  String log() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aReplacedFileGivesNewScansNewScannersAndTheOldDatabaseClosesWhenItsLastScanEnds() throws Exception {
    Path file = dir.resolve("vuln.db");
    importAt(file, A);
    try (Scanners scanners = Scanners.open(file, factory, log)) {
      assertThat(scanners.version()).isEqualTo(new DatabaseVersion(A.toString(), A.toEpochMilli()));
      assertThat(scanners.refresh()).isEmpty();
      Scanners.Lease running = scanners.acquire();

      importAt(file, B);
      assertThat(scanners.refresh()).contains(new Scanners.Change(new DatabaseVersion(A.toString(), A.toEpochMilli()),
          new DatabaseVersion(B.toString(), B.toEpochMilli())));
      assertThat(log()).contains("changed: built " + A + " → built " + B);

      // the running scan still reads its own database; new scans get the new one
      assertThat(running.version().builtAt()).isEqualTo(A.toString());
      assertThat(database(running).query("npm", "left-pad")).isNotNull();
      try (Scanners.Lease next = scanners.acquire()) {
        assertThat(next.version().builtAt()).isEqualTo(B.toString());
        assertThat(database(next)).isNotSameAs(database(running));
      }
      Database old = database(running);
      running.close();
      assertThatThrownBy(() -> old.query("npm", "left-pad")).isInstanceOf(DatabaseException.class);
      running.close(); // a second release changes nothing
      try (Scanners.Lease next = scanners.acquire()) {
        assertThat(database(next).query("npm", "left-pad")).isNotNull();
      }
      assertThat(built).hasValue(2);
    }
  }

  @Test
  void theSameVersionAgainOrAnUnusableFileKeepsTheScannersAndIsReportedOnce() throws Exception {
    Path file = dir.resolve("vuln.db");
    importAt(file, A);
    try (Scanners scanners = Scanners.open(file, factory, log)) {
      Path copy = dir.resolve("copy.db");
      Files.copy(file, copy);
      Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertThat(scanners.refresh()).isEmpty();
      assertThat(log()).contains("replaced by the same version (built " + A + ")");
      assertThat(built).hasValue(1);

      Path broken = dir.resolve("broken.db");
      Files.writeString(broken, "not a database");
      Files.move(broken, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertThat(scanners.refresh()).isEmpty();
      assertThat(scanners.refresh()).isEmpty();
      assertThat(log().lines().filter(l -> l.contains("the new file cannot be used"))).hasSize(1);
      try (Scanners.Lease lease = scanners.acquire()) {
        assertThat(lease.version().builtAt()).isEqualTo(A.toString());
        assertThat(database(lease).query("npm", "left-pad")).isNotNull();
      }

      importAt(file, B);
      assertThat(scanners.refresh()).isPresent();
      assertThat(scanners.version().builtAt()).isEqualTo(B.toString());
    }
  }

  @Test
  void closingWhileAScanRunsClosesTheDatabaseOnlyWhenTheScanEnds() throws Exception {
    Path file = dir.resolve("vuln.db");
    importAt(file, A);
    Scanners scanners = Scanners.open(file, factory, log);
    Scanners.Lease running = scanners.acquire();
    scanners.close();
    Database db = database(running);
    assertThat(db.query("npm", "left-pad")).isNotNull();
    running.close();
    assertThatThrownBy(() -> db.query("npm", "left-pad")).isInstanceOf(DatabaseException.class);
  }
}
