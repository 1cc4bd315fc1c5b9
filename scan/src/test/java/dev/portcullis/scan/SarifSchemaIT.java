package dev.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.testkit.TestCache;
import dev.portcullis.testkit.Tools;
import dev.portcullis.vuln.db.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SARIF that {@code scan} writes is valid SARIF 2.1.0: checked against the OASIS schema (rtm.5,
 * as Microsoft's {@code @microsoft/jest-sarif} ships it, fetched once with {@code npm pack} and
 * cached), for every scanner together, for the rule scanners alone and for vulnerabilities alone.
 */
class SarifSchemaIT {
  private static final String PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0";
  private static final String SCHEMA = "package/lib/schemas/sarif-2.1.0-rtm.5.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path tmp;
  static JsonSchema schema;
  static Map<String, ImageSource> images;
  static Path db;

  @BeforeAll
  static void setUp() throws IOException {
    Path dir = TestCache.cached("sarif-schema-v1", "schema", work -> {
      Tools.require("npm");
      Tools.run(Duration.ofMinutes(5), List.of("npm", "pack", "--silent", "--pack-destination", work.toString(), PACKAGE));
      try (var tgz = Files.list(work)) {
        Path pack = tgz.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
        try (InputStream in = Files.newInputStream(pack); TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
          for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            if (e.getName().equals(SCHEMA)) {
              Files.write(work.resolve("sarif-2.1.0.json"), tar.readAllBytes());
            }
          }
        }
        Files.delete(pack);
      }
      if (!Files.isRegularFile(work.resolve("sarif-2.1.0.json"))) {
        throw new IOException(PACKAGE + " has no " + SCHEMA);
      }
    });
    JsonNode schemaNode = MAPPER.readTree(dir.resolve("sarif-2.1.0.json").toFile());
    assertThat(schemaNode.path("title").asText()).contains("SARIF");
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaNode);
    images = ScanFixtures.write(tmp.resolve("images"));
    db = ScanFixtures.database(tmp);
  }

  private static void assertValid(String sarif) throws IOException {
    Set<ValidationMessage> errors = schema.validate(MAPPER.readTree(sarif));
    assertThat(errors).as("schema violations").isEmpty();
  }

  @Test
  void everyScannerTogetherWritesValidSarif() throws IOException {
    try (Database database = Database.open(db)) {
      Scanner scanner = new Scanner(ScanOptions.all(database).withRead(ReadOptions.defaults().withTempDir(tmp)));
      for (String name : ScanFixtures.NAMES) {
        String sarif = AssessmentWriter.sarif(scanner.scan(images.get(name)), "0.0.0-test");
        assertThat(MAPPER.readTree(sarif).path("runs").get(0).path("results")).as(name).isNotEmpty();
        assertValid(sarif);
      }
    }
  }

  @Test
  void eachScannerAloneWritesValidSarif() throws IOException {
    try (Database database = Database.open(db)) {
      for (Set<ScanType> types : List.of(EnumSet.of(ScanType.VULN), EnumSet.of(ScanType.CONFIG), EnumSet.of(ScanType.SECRET))) {
        Scanner scanner = new Scanner(ScanOptions.all(database).withTypes(types).withRead(ReadOptions.defaults().withTempDir(tmp)));
        for (String name : ScanFixtures.NAMES) {
          assertValid(AssessmentWriter.sarif(scanner.scan(images.get(name)), "0.0.0-test"));
        }
      }
    }
  }
}
