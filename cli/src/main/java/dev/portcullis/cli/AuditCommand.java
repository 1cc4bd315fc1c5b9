package dev.portcullis.cli;

import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.audit.AuditReader;
import dev.portcullis.server.audit.Verification;
import dev.portcullis.sign.key.PublicKeys;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis audit verify|export}: the server's tamper-evident audit trail, read without the server. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify and export the server's tamper-evident audit trail.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand {
  static final int USAGE = 2;

  private AuditCommand() {}

  /** What was named is not usable: one line, exit 2. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }

  /** Where the chain is: a server's data directory or its PostgreSQL database, opened read-only. */
  abstract static class Source implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "The server's data directory (its SQLite database DIR/server.db, opened read-only).")
    @Nullable Path data;

    @Option(names = "--database", paramLabel = "JDBC-URL", description = "The server's jdbc:postgresql:// database, read in read-only transactions.")
    @Nullable String database;

    @Option(names = "--database-user", paramLabel = "USER", description = "The PostgreSQL user (default: the URL's).")
    @Nullable String databaseUser;

    @Option(names = "--database-password-env", paramLabel = "NAME", description = "The environment variable holding the PostgreSQL password.")
    @Nullable String databasePasswordEnv;

    abstract String name();

    /** How many of the mutually exclusive sources were given. */
    int sources() {
      return (data == null ? 0 : 1) + (database == null ? 0 : 1);
    }

    AuditReader open() throws Unusable {
      try {
        if (data != null) {
          return AuditReader.sqlite(data.resolve("server.db"));
        }
        String password = null;
        if (databasePasswordEnv != null) {
          password = Main.of(spec).env.get(databasePasswordEnv);
          if (password == null) {
            throw new Unusable("--database-password-env " + databasePasswordEnv + ": no such environment variable");
          }
        }
        return AuditReader.postgres(database, databaseUser, password);
      } catch (IOException | IllegalArgumentException e) {
        throw new Unusable(e.getMessage());
      }
    }

    int unusable(String message) {
      Main.printFailure(Main.of(spec).err, name() + ": " + message);
      return USAGE;
    }

    int failed(String message) {
      Main.printFailure(Main.of(spec).err, name() + ": " + message);
      return Main.FAILED;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the audit chain: every record's hash and link to the one before, no gap, and every signed checkpoint of the "
          + "chain head (with --key, its signature too). Names the first record that is not as it was appended.",
      footer = {"", "Exactly one of --data, --database or --file. Without --key the checkpoints are matched but their signatures not checked.",
          "Exit codes: 0 the chain verifies, 1 it does not (the first bad record on one line) or could not be read to the end, "
              + "2 bad usage or nothing to read there, 3 internal errors."})
  static final class Verify extends Source {
    @Option(names = "--file", paramLabel = "EXPORT.jsonl", description = "An export made by 'portcullis audit export'.")
    @Nullable Path file;

    @Option(names = "--key", paramLabel = "PUB", description = "A public key (PEM) trusted to sign checkpoints; repeat for several servers.")
    List<Path> keys = new ArrayList<>();

    @Override
    String name() {
      return "audit verify";
    }

    @Override
    public Integer call() {
      if (sources() + (file == null ? 0 : 1) != 1) {
        return unusable("give exactly one of --data, --database or --file");
      }
      List<PublicKey> trusted = new ArrayList<>();
      for (Path key : keys) {
        try {
          trusted.add(PublicKeys.read(key));
        } catch (IOException e) {
          return unusable(e.getMessage());
        }
      }
      Verification result;
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          return unusable("read " + file + ": no such file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
          result = AuditLog.verify(in, trusted);
        } catch (IOException e) {
          return failed("read " + file + ": " + e.getMessage());
        }
      } else {
        AuditReader reader;
        try {
          reader = open();
        } catch (Unusable e) {
          return unusable(e.getMessage());
        }
        try (reader) {
          result = reader.verify(trusted);
        } catch (IOException e) {
          return failed(e.getMessage());
        }
      }
      return switch (result) {
        case Verification.Verified v -> {
          Main.of(spec).out.println(v.summary());
          yield 0;
        }
        case Verification.Broken b -> failed(b.summary());
      };
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the audit chain as JSON Lines: one record per line in seq order, each signed checkpoint on the line after the "
          + "record it signs (AuditRecord and AuditLog.export in the server describe the format). 'audit verify --file' checks it.",
      footer = {"", "Exactly one of --data or --database. With --output the file appears complete or not at all.",
          "Exit codes: 0 written, 1 failed, 2 bad usage or nothing to read there, 3 internal errors."})
  static final class Export extends Source {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl (the only one; default).")
    String format = "jsonl";

    @Option(names = "--output", paramLabel = "FILE", description = "Write here (atomically) instead of to stdout.")
    @Nullable Path output;

    @Override
    String name() {
      return "audit export";
    }

    @Override
    public Integer call() {
      if (sources() != 1) {
        return unusable("give exactly one of --data or --database");
      }
      if (!format.equals("jsonl")) {
        return unusable("--format " + format + " is not one this command writes (jsonl)");
      }
      AuditReader reader;
      try {
        reader = open();
      } catch (Unusable e) {
        return unusable(e.getMessage());
      }
      try (reader) {
        if (output == null) {
          OutputStream out = Main.of(spec).out;
          reader.export(out);
          out.flush();
        } else {
          writeAtomically(output, reader);
        }
        return 0;
      } catch (IOException e) {
        return failed(e.getMessage());
      }
    }

    /** Streams into a file beside the target, forces it to disk and moves it into place: a failed export leaves no half-written file. */
    private static void writeAtomically(Path target, AuditReader reader) throws IOException {
      Path dir = target.toAbsolutePath().getParent();
      Path tmp;
      try {
        tmp = Files.createTempFile(dir, ".portcullis-audit-", ".tmp");
      } catch (IOException e) {
        throw new IOException("write " + target + ": " + e.getMessage(), e);
      }
      try {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          reader.export(out);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
