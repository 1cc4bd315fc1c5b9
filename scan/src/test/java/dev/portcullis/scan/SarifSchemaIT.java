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
import dev.portcullis.vuln.db.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SARIF that {@code scan} writes is valid SARIF 2.1.0: checked against the OASIS schema (rtm.5,
 * as Microsoft's {@code @microsoft/jest-sarif} ships it, fetched once with {@code npm pack} and
 * cached), for every scanner together, for the rule scanners alone and for vulnerabilities alone.
 */
class SarifSchemaIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path tmp;
  static JsonSchema schema;
  static Map<String, ImageSource> images;
  static Path db;

  @BeforeAll
  static void setUp() throws IOException {
    Path schemaFile = dev.portcullis.testkit.SarifSchema.file();
    JsonNode schemaNode = MAPPER.readTree(schemaFile.toFile());
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
