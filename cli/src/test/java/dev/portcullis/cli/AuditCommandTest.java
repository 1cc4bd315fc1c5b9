package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis audit verify} and {@code export} on a server's data directory and on exports: exit codes and one-line messages. */
class AuditCommandTest {
  @TempDir Path dir;
  private Path data;
  private Path serverKey;
  private Path otherKey;

  private static LocalSigner newSigner() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return LocalSigner.of(g.generateKeyPair().getPrivate());
  }

  /** A server's data directory with 30 records, checkpointed every 10, its store closed as a stopped server leaves it. */
  @BeforeEach
  void stoppedServer() throws Exception {
    data = dir.resolve("data");
    LocalSigner signer = newSigner();
    serverKey = Files.writeString(dir.resolve("server.pub"), PublicKeys.toPem(signer.publicKey()));
    otherKey = Files.writeString(dir.resolve("other.pub"), PublicKeys.toPem(newSigner().publicKey()));
    try (Store store = Store.sqlite(data, Clock.systemUTC())) {
      AuditLog log = new AuditLog(store, Optional.of(signer), 10);
      for (int i = 1; i <= 30; i++) {
        log.append(new AuditEvent(Identity.user("alice", List.of(), "127.0.0.1"), "exception.approve", "registry/app:" + i, "success", ""));
      }
      log.close();
    }
  }

  @Test
  void aServersChainVerifiesFromItsDataDirectoryAndFromAnExport() throws Exception {
    CliRun run = CliRun.of("audit", "verify", "--data", data.toString(), "--key", serverKey.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("audit chain intact: 30 records, head ").contains("3 checkpoints, signed through record 30");
    assertThat(run.out().lines()).hasSize(1);

    Path export = dir.resolve("audit.jsonl");
    CliRun exported = CliRun.of("audit", "export", "--data", data.toString(), "--format", "jsonl", "--output", export.toString());
    assertThat(exported.exit()).as(exported.err()).isZero();
    assertThat(Files.readAllLines(export)).hasSize(33);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    CliRun fromFile = CliRun.of("audit", "verify", "--file", export.toString(), "--key", serverKey.toString());
    assertThat(fromFile.exit()).as(fromFile.err()).isZero();
    assertThat(fromFile.out()).isEqualTo(run.out());

    CliRun toStdout = CliRun.of("audit", "export", "--data", data.toString());
    assertThat(toStdout.exit()).isZero();
    assertThat(toStdout.out()).isEqualTo(Files.readString(export));
  }

  @Test
  void aTamperedChainNamesItsFirstBadRecordOnOneLine() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db")); Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER audit_records_no_update");
      s.execute("UPDATE audit_records SET reason = 'nobody was here' WHERE seq = 7");
    }
    CliRun run = CliRun.of("audit", "verify", "--data", data.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("portcullis: audit verify: record 7: edited: its fields hash to ").endsWith("(a field was changed)\n");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.out()).isEmpty();

    Path export = dir.resolve("audit.jsonl");
    assertThat(CliRun.of("audit", "export", "--data", data.toString(), "--output", export.toString()).exit()).isZero();
    CliRun fromFile = CliRun.of("audit", "verify", "--file", export.toString());
    assertThat(fromFile.exit()).isEqualTo(1);
    assertThat(fromFile.err()).isEqualTo(run.err());
  }

  @Test
  void checkpointsOfAnUntrustedKeyFail() {
    CliRun run = CliRun.of("audit", "verify", "--data", data.toString(), "--key", otherKey.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("portcullis: audit verify: record 10: bad signature: its checkpoint is signed by sha256:");
  }

  @Test
  void nothingToReadIsABadUsageAndNoDatabaseIsCreated() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun missing = CliRun.of("audit", "verify", "--data", empty.toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("portcullis: audit verify: database " + empty.resolve("server.db") + ": no such file\n");
    assertThat(empty).isEmptyDirectory();

    CliRun export = CliRun.of("audit", "export", "--data", empty.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(export.exit()).isEqualTo(2);
    assertThat(dir.resolve("out.jsonl")).doesNotExist();

    Path notADatabase = Files.createDirectories(dir.resolve("junk"));
    Files.writeString(notADatabase.resolve("server.db"), "not a database");
    CliRun junk = CliRun.of("audit", "verify", "--data", notADatabase.toString());
    assertThat(junk.exit()).isEqualTo(2);
    assertThat(junk.err()).startsWith("portcullis: audit verify: ").doesNotContain("Exception").hasLineCount(1);

    assertThat(CliRun.of("audit", "verify").exit()).isEqualTo(2);
    CliRun both = CliRun.of("audit", "verify", "--data", data.toString(), "--file", "x.jsonl");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).isEqualTo("portcullis: audit verify: give exactly one of --data, --database or --file\n");
    CliRun format = CliRun.of("audit", "export", "--data", data.toString(), "--format", "csv");
    assertThat(format.exit()).isEqualTo(2);
    assertThat(format.err()).isEqualTo("portcullis: audit export: --format csv is not one this command writes (jsonl)\n");
    CliRun noFile = CliRun.of("audit", "verify", "--file", dir.resolve("absent.jsonl").toString());
    assertThat(noFile.exit()).isEqualTo(2);
    CliRun badKey = CliRun.of("audit", "verify", "--data", data.toString(), "--key", dir.resolve("absent.pub").toString());
    assertThat(badKey.exit()).isEqualTo(2);
    assertThat(badKey.err()).isEqualTo("portcullis: audit verify: read public key " + dir.resolve("absent.pub") + ": no such file\n");
  }

  @Test
  void aMalformedExportIsNamedByItsLine() throws Exception {
    Path export = Files.writeString(dir.resolve("bad.jsonl"), "{\"checkpoint\":{}}\n");
    CliRun run = CliRun.of("audit", "verify", "--file", export.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("portcullis: audit verify: record 1: malformed: line 1: a checkpoint needs exactly the members");
  }
}
