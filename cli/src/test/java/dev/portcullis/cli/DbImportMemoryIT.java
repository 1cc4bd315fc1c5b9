package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vuln.osv.OsvParser;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db import} of records inside the 64 MiB size limit, in a JVM with the default 512 MiB heap: memory is
 * bounded by the parser's token and identifier limits, not by the record's size.
 */
class DbImportMemoryIT {
  private static final long RECORD_BYTES = 60_000_000;
  private static final String PADDING = "0".repeat(56);

  @TempDir Path tmp;

  private Path exampleDatabase() {
    Path db = tmp.resolve("db");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int exit = Main.run(new String[] {"db", "import", "--db", db.toString(), CliTest.EXAMPLE.resolveSibling("advisories").toString()}, print, print);
    assertThat(exit).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    return db;
  }

  /**
   * Writes {@code {"id": ID, "modified": ..., PREFIX[VALUE(0), VALUE(1), ...]SUFFIX}} of about {@link #RECORD_BYTES}
   * bytes, as it goes.
   */
  private static Path record(Path file, String id, String prefix, LongFunction<String> value, String suffix) throws IOException {
    try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      w.write("{\"id\": \"" + id + "\", \"modified\": \"2024-03-01T10:00:00Z\", " + prefix + "[");
      long written = 0;
      for (long i = 0; written < RECORD_BYTES; i++) {
        if (i > 0) {
          w.write(',');
        }
        String v = value.apply(i);
        w.write(v);
        written += v.length() + 1;
      }
      w.write("]" + suffix + "}");
    }
    return file;
  }

  @Test
  void aRecordWithFifteenMillionAliasesIsRefusedInOneLineAndTheDatabaseKept() throws Exception {
    Path db = exampleDatabase();
    byte[] before = Files.readAllBytes(db);
    // 60 MB of "a",: 15 million aliases
    Path hostile = record(tmp.resolve("HOSTILE-1.json"), "HOSTILE-1", "\"aliases\": ", i -> "\"a\"", "");
    assertThat(Files.size(hostile)).isBetween(RECORD_BYTES, 64L << 20);

    CliRun r = CliRun.forked(tmp.resolve("out.txt"), "db", "import", "--db", db.toString(), hostile.toString());
    assertThat(r.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("portcullis: import into " + db + " refused, the database was left as it was: " + hostile
        + ": more than " + OsvParser.MAX_TOKENS + " JSON tokens, the limit for one record (--allow-partial imports the rest)\n");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    try (var left = Files.list(tmp)) {
      assertThat(left).noneMatch(p -> p.getFileName().toString().endsWith(".importing"));
    }
  }

  @Test
  void aRecordAtTheLimitsIsImportedWithinTheHeap() throws Exception {
    Path db = tmp.resolve("db");
    // 60 MB of 64-byte versions: 923,077 tokens, just under the limit, each a string of its own
    Path large = record(tmp.resolve("LARGE-1.json"), "LARGE-1",
        "\"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"large\"}, \"versions\": ", i -> "\"1.0.0-" + PADDING.substring(Long.toString(i).length()) + i + "\"", "}]");
    assertThat(RECORD_BYTES / 65).isLessThan(OsvParser.MAX_TOKENS);
    CliRun r = CliRun.forked(tmp.resolve("out.txt"), "db", "import", "--db", db.toString(), large.toString());
    assertThat(r.err()).doesNotContain("OutOfMemoryError");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(tmp.resolve("out.txt"))).startsWith("imported 1 advisories");
  }
}
