package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The database through a real docker-registry, with skopeo as the independent reader of what we stored. */
class DatabaseArtifactIT {
  private static final RegistryOptions PLAIN_HTTP = new RegistryOptions(true, null, null, null, 2);

  @TempDir Path tmp;
  private RegistryProcess registry;
  private RegistryClient client;
  private Path corpusDb;

  @BeforeEach
  void start() throws IOException {
    registry = RegistryProcess.start();
    client = RegistryClient.create(PLAIN_HTTP, ProgressListener.NONE);
    corpusDb = tmp.resolve("corpus.db");
    ImportReport report = new DatabaseImporter(DatabaseImportTest.OPTIONS).importInto(corpusDb, List.of(Corpus.osv()));
    assertThat(report.advisories()).isEqualTo(Corpus.osvFiles().size());
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  private ImageRef ref(String repoTag) {
    return ImageRef.parse(registry.host() + "/" + repoTag);
  }

  private Status status(Path db) throws IOException {
    try (Database d = Database.open(db)) {
      return d.status();
    }
  }

  /** A pulled database that the failing pulls below must leave exactly as it is. */
  private Path previousDatabase() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("pulled")).resolve("db");
    DatabaseArtifact.pull(client, DatabaseArtifact.push(client, ref("portcullis/db:previous"), corpusDb).ref(), target);
    return target;
  }

  private void assertUntouched(Path target, byte[] before) throws IOException {
    assertThat(Files.readAllBytes(target)).isEqualTo(before);
    assertThat(status(target)).isEqualTo(status(corpusDb));
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).as("no temp file left beside the database").containsExactly(target);
    }
  }

  @Test
  void pushedCorpusDatabaseIsAnArtifactSkopeoReadsAndPullsBackByteIdentical() throws IOException {
    DatabaseArtifact.Pushed pushed = DatabaseArtifact.push(client, ref("portcullis/db:1"), corpusDb);

    byte[] raw = Skopeo.rawManifest("docker://" + registry.host() + "/portcullis/db:1", "--tls-verify=false");
    assertThat(dev.portcullis.core.Digest.sha256(raw)).isEqualTo(pushed.manifest());
    JsonNode m = new ObjectMapper().readTree(raw);
    assertThat(m.path("artifactType").asText()).isEqualTo("application/vnd.portcullis.db.v1");
    assertThat(m.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
    assertThat(m.path("layers").get(0).path("mediaType").asText()).isEqualTo("application/vnd.portcullis.db.layer.v1.sqlite+gzip");
    assertThat(m.path("layers").get(0).path("digest").asText()).isEqualTo(pushed.layer().digest().toString());
    assertThat(m.path("annotations").path("dev.portcullis.db.advisories").asText()).isEqualTo(Long.toString(Corpus.osvFiles().size()));
    // the registry stored what we uploaded, byte for byte
    assertThat(Files.readAllBytes(registry.blobDataFile("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"))).asString().isEqualTo("{}");
    assertThat(Files.size(registry.blobDataFile(pushed.layer().digest().hex()))).isEqualTo(pushed.layer().size()).isLessThan(Files.size(corpusDb));

    Path target = tmp.resolve("elsewhere/db");
    DatabaseArtifact.Pulled pulled = DatabaseArtifact.pull(client, ref("portcullis/db:1"), target);
    assertThat(pulled.manifest()).isEqualTo(pushed.manifest());
    assertThat(Files.mismatch(target, corpusDb)).isEqualTo(-1);
    assertThat(status(target)).isEqualTo(status(corpusDb)).isEqualTo(pulled.status());

    // pushing again uploads nothing new and names the same manifest
    assertThat(DatabaseArtifact.push(client, ref("portcullis/db:again"), corpusDb).manifest()).isEqualTo(pushed.manifest());
  }

  @Test
  void anOrdinaryImageIsRefusedInOneLineAndTheOldDatabaseStays() throws IOException {
    Path target = previousDatabase();
    byte[] before = Files.readAllBytes(target);
    Path layout = tmp.resolve("image");
    new OciLayoutBuilder().layer(new LayerBuilder().file("etc/hello", "hello\n")).refName("1").write(layout);
    Skopeo.copy("oci:" + layout + ":1", "docker://" + registry.host() + "/portcullis/db:image", Skopeo.CopyOption.DEST_NO_TLS_VERIFY);

    assertThatThrownBy(() -> DatabaseArtifact.pull(client, ref("portcullis/db:image"), target))
        .isInstanceOf(DatabaseException.class)
        .hasMessage("pull database " + registry.host() + "/portcullis/db:image into " + target
            + ": not a Portcullis database: the manifest's artifactType is absent (an ordinary image?), expected application/vnd.portcullis.db.v1");
    assertUntouched(target, before);
  }

  @Test
  void aDatabaseOfAnotherSchemaIsRefusedBeforeItIsDownloaded() throws IOException {
    Path target = previousDatabase();
    byte[] before = Files.readAllBytes(target);
    DatabaseArtifact.Pushed pushed = DatabaseArtifact.push(client, ref("portcullis/db:now"), corpusDb);
    String manifest = new String(Skopeo.rawManifest("docker://" + registry.host() + "/portcullis/db:now", "--tls-verify=false"),
        java.nio.charset.StandardCharsets.UTF_8);
    String schema = "\"dev.portcullis.db.schema-version\":\"" + dev.portcullis.vuln.db.internal.Schema.VERSION + "\"";
    assertThat(manifest).contains(schema);
    String future = manifest.replace(schema, "\"dev.portcullis.db.schema-version\":\"99\"");
    assertThat(future).isNotEqualTo(manifest);
    client.putManifest(ref("portcullis/db:future"), future.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
    // were the layer fetched, this would fail on its digest instead
    Files.write(registry.blobDataFile(pushed.layer().digest().hex()), new byte[] {0});

    assertThatThrownBy(() -> DatabaseArtifact.pull(client, ref("portcullis/db:future"), target))
        .hasMessageEndingWith(": the artifact holds a database of schema version 99, this Portcullis reads " + dev.portcullis.vuln.db.internal.Schema.VERSION);
    assertUntouched(target, before);
    assertThatThrownBy(() -> DatabaseArtifact.push(client, ref("portcullis/db:none"), tmp.resolve("missing")))
        .hasMessageStartingWith("open vulnerability database " + tmp.resolve("missing") + ": no such file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"flipped-byte", "truncated"})
  void aLayerThatDoesNotMatchItsDigestIsRefusedAndTheOldDatabaseStays(String defect) throws IOException {
    Path target = previousDatabase();
    byte[] before = Files.readAllBytes(target);
    DatabaseArtifact.Pushed pushed = DatabaseArtifact.push(client, ref("portcullis/db:2"), corpusDb);
    Path stored = registry.blobDataFile(pushed.layer().digest().hex());
    byte[] bytes = Files.readAllBytes(stored);
    if (defect.equals("flipped-byte")) {
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(stored, bytes);
    } else {
      Files.write(stored, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    assertThatThrownBy(() -> DatabaseArtifact.pull(client, ref("portcullis/db:2"), target))
        .isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("pull database " + registry.host() + "/portcullis/db:2 into " + target + ": ")
        .hasMessageContaining(defect.equals("flipped-byte")
            ? "verify blob " + pushed.layer().digest() + " of " + registry.host() + "/portcullis/db: digest mismatch"
            : "truncated: expected " + pushed.layer().size() + " bytes")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertUntouched(target, before);
  }
}
