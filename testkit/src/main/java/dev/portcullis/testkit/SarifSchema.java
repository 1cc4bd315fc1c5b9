package dev.portcullis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The OASIS SARIF 2.1.0 JSON schema (errata 01, rtm.5) as the npm package {@value #PACKAGE} ships
 * it, fetched once with {@code npm pack} and cached, for the tests that validate our SARIF against it.
 */
public final class SarifSchema {
  public static final String PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0";
  private static final String ENTRY = "package/lib/schemas/sarif-2.1.0-rtm.5.json";

  private SarifSchema() {}

  /** The schema file, {@code sarif-2.1.0.json} in the test cache. */
  public static Path file() throws IOException {
    Path dir = TestCache.cached("sarif-schema-v1", "schema", work -> {
      Tools.require("npm");
      Tools.run(Duration.ofMinutes(5), List.of("npm", "pack", "--silent", "--pack-destination", work.toString(), PACKAGE));
      try (var tgz = Files.list(work)) {
        Path pack = tgz.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
        try (InputStream in = Files.newInputStream(pack); TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
          for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            if (e.getName().equals(ENTRY)) {
              Files.write(work.resolve("sarif-2.1.0.json"), tar.readAllBytes());
            }
          }
        }
        Files.delete(pack);
      }
      if (!Files.isRegularFile(work.resolve("sarif-2.1.0.json"))) {
        throw new IOException(PACKAGE + " has no " + ENTRY);
      }
    });
    return dir.resolve("sarif-2.1.0.json");
  }
}
