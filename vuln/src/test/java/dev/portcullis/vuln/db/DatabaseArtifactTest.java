package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Digest;
import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest and layer {@link DatabaseArtifact#push} uploads, made without a registry. */
class DatabaseArtifactTest {
  @TempDir Path tmp;

  private Path database() throws IOException {
    Path db = tmp.resolve("db");
    new DatabaseImporter(DatabaseImportTest.OPTIONS).importInto(db,
        List.of(Corpus.osv("npm/GHSA-35jh-r3h4-6jhm.json"), Corpus.osv("Maven/GHSA-jfh8-c2jp-5v3q.json")));
    return db;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theManifestIsAnOci11ArtifactWithTheEmptyConfigAndOneGzippedLayer() throws IOException {
    Path db = database();
    Path layer = tmp.resolve("layer.gz");
    DatabaseArtifact.Staged staged = DatabaseArtifact.stage(db, layer);
    JsonNode m = new ObjectMapper().readTree(staged.manifest());

    assertThat(fieldNames(m)).containsExactly("schemaVersion", "mediaType", "artifactType", "config", "layers", "annotations");
    assertThat(m.path("schemaVersion").isInt()).isTrue();
    assertThat(m.path("schemaVersion").asInt()).isEqualTo(2);
    assertThat(m.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(m.path("artifactType").asText()).isEqualTo("application/vnd.portcullis.db.v1");

    JsonNode config = m.path("config");
    assertThat(fieldNames(config)).containsExactly("mediaType", "digest", "size");
    assertThat(config.path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
    assertThat(config.path("digest").asText()).isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    assertThat(config.path("size").asLong()).isEqualTo(2);

    assertThat(m.path("layers")).hasSize(1);
    JsonNode l = m.path("layers").get(0);
    assertThat(fieldNames(l)).containsExactly("mediaType", "digest", "size", "annotations");
    assertThat(l.path("mediaType").asText()).isEqualTo("application/vnd.portcullis.db.layer.v1.sqlite+gzip");
    assertThat(l.path("digest").asText()).isEqualTo(Digest.sha256(Files.readAllBytes(layer)).toString());
    assertThat(l.path("size").asLong()).isEqualTo(Files.size(layer));
    byte[] file = Files.readAllBytes(db);
    byte[] gunzipped;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
      gunzipped = in.readAllBytes();
    }
    assertThat(gunzipped).isEqualTo(file);
    assertThat(fieldNames(l.path("annotations"))).containsExactly("dev.portcullis.db.sqlite.sha256", "dev.portcullis.db.sqlite.size",
        "org.opencontainers.image.title");
    assertThat(l.path("annotations").path("dev.portcullis.db.sqlite.sha256").asText()).isEqualTo(Digest.sha256(file).toString());
    assertThat(l.path("annotations").path("dev.portcullis.db.sqlite.size").asText()).isEqualTo(Long.toString(file.length));
    assertThat(l.path("annotations").path("org.opencontainers.image.title").asText()).isEqualTo("portcullis-db.sqlite.gz");

    JsonNode a = m.path("annotations");
    assertThat(fieldNames(a)).containsExactly("dev.portcullis.db.advisories", "dev.portcullis.db.schema-version", "org.opencontainers.image.created");
    assertThat(a.path("org.opencontainers.image.created").asText()).isEqualTo("2024-03-01T12:00:00Z");
    assertThat(a.path("dev.portcullis.db.schema-version").asText()).isEqualTo(Integer.toString(dev.portcullis.vuln.db.internal.Schema.VERSION));
    assertThat(a.path("dev.portcullis.db.advisories").asText()).isEqualTo("2");
  }

  @Test
  void theSameDatabaseGivesTheSameManifest() throws IOException {
    Path db = database();
    byte[] first = DatabaseArtifact.stage(db, tmp.resolve("1.gz")).manifest();
    byte[] second = DatabaseArtifact.stage(db, tmp.resolve("2.gz")).manifest();
    assertThat(second).isEqualTo(first);
  }

  @Test
  void aFileThatIsNotADatabaseIsNotStaged() throws IOException {
    Path notDb = Files.writeString(tmp.resolve("notes.txt"), "not sqlite");
    assertThatThrownBy(() -> DatabaseArtifact.stage(notDb, tmp.resolve("x.gz"))).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("open vulnerability database " + notDb);
  }
}
