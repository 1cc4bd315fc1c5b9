package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.check.CheckCatalog;
import dev.portcullis.host.check.HostChecker;
import dev.portcullis.host.containers.ContainerTests;
import dev.portcullis.host.output.HostReportWriter;
import dev.portcullis.host.root.Root;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host sends what {@code portcullis host} found on a real host root to a running server: the
 * server scores it again, keeps it with an audit record, lists it, returns it as sent, and refuses
 * a report whose results were edited after it was written.
 */
class HostReportsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** A Docker host's files, as on a Debian host with docker.io: the daemon.json sets icc and a log level. */
  private Path dockerHost(String daemonJson) throws Exception {
    Path root = dir.resolve("node-1");
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve("usr/bin/dockerd"), "#!/bin/sh\n");
    Files.createDirectories(root.resolve("lib/systemd/system"));
    Files.writeString(root.resolve("lib/systemd/system/docker.service"), """
        [Unit]
        Description=Docker Application Container Engine
        [Service]
        ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
        """);
    Files.createDirectories(root.resolve("etc/docker"));
    Files.writeString(root.resolve("etc/docker/daemon.json"), daemonJson);
    return root;
  }

  private static String check(Path root) throws Exception {
    HostReport report = new HostChecker(CheckCatalog.builtIn(ContainerTests::named), HostChecker.Options.all().withProfiles(Set.of(Profile.DOCKER)))
        .check(Root.offline(root));
    return HostReportWriter.write(report, HostReportWriter.Format.JSON, "test");
  }

  @Test
  void aHostsReportIsScoredAgainKeptListedAndAuditedAndAnEditedOneIsRefused() throws Exception {
    int port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, "");
    try (Server server = ServerFixtures.start(config, new ByteArrayOutputStream())) {
      String agentToken = ServerFixtures.token(port, "node-agent", List.of("agent:**"));
      ApiClient viewer = ApiClient.withToken(port, ServerFixtures.token(port, "viewer", List.of("viewer:**")));
      String loose = check(dockerHost("{\"icc\": true, \"log-level\": \"warn\"}"));
      JsonNode written = JSON.readTree(loose);
      assertThat(written.path("results").findValuesAsText("status")).contains("fail");

      try (ServerEvidence agent = new ServerEvidence(URI.create("http://127.0.0.1:" + port), agentToken, Optional.empty(), Duration.ofSeconds(5),
          Clock.systemUTC())) {
        JsonNode kept = JSON.readTree(agent.post("/v1/hosts/node-1/reports", loose, Duration.ofSeconds(30)));
        assertThat(kept.path("score").asInt()).isEqualTo(written.path("score").path("value").asInt());
        assertThat(kept.path("grade").asText()).isEqualTo(written.path("score").path("grade").asText());
        assertThat(kept.path("counts").path("fail").asInt()).isEqualTo(written.path("score").path("counts").path("fail").asInt());

        JsonNode hosts = viewer.get("/v1/hosts").json().path("hosts");
        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).path("host").asText()).isEqualTo("node-1");
        assertThat(hosts.get(0).path("mode").asText()).isEqualTo("offline");
        assertThat(viewer.get("/v1/hosts/node-1/report").body()).isEqualTo(loose);

        // the failures hidden after the report was written: refused, and nothing kept
        ObjectNode edited = (ObjectNode) JSON.readTree(loose);
        edited.withArray("results").forEach(r -> {
          if (r.path("status").asText().equals("fail")) {
            ((ObjectNode) r).put("status", "pass");
          }
        });
        assertThatThrownBy(() -> agent.post("/v1/hosts/node-1/reports", edited.toString(), Duration.ofSeconds(30)))
            .hasMessageContaining("the server answered 400").hasMessageContaining("is not what its results give");
        assertThat(viewer.get("/v1/hosts/node-1/report").body()).isEqualTo(loose);

        // the host fixed: its next report is the one shown
        Files.writeString(dir.resolve("node-1/etc/docker/daemon.json"), "{\"icc\": false, \"log-level\": \"info\"}");
        String fixed = check(dir.resolve("node-1"));
        JsonNode better = JSON.readTree(agent.post("/v1/hosts/node-1/reports", fixed, Duration.ofSeconds(30)));
        assertThat(better.path("score").asInt()).isGreaterThan(kept.path("score").asInt());
        assertThat(viewer.get("/v1/hosts").json().path("hosts").get(0).path("score").asInt()).isEqualTo(better.path("score").asInt());
        assertThat(viewer.get("/v1/hosts/node-1/report").body()).isEqualTo(fixed);
      }

      // a viewer may read reports but not send one; a host nobody reported is not found
      assertThat(viewer.send("POST", "/v1/hosts/node-2/reports", "application/json", loose).status()).isEqualTo(403);
      assertThat(viewer.get("/v1/hosts/node-2/report").status()).isEqualTo(404);

      // every report kept, and the refused one, is a record of the audit trail
      ApiClient auditor = ApiClient.withToken(port, ServerFixtures.token(port, "auditor", List.of("auditor:**")));
      List<String> records = new java.util.ArrayList<>();
      for (JsonNode r : auditor.get("/v1/audit?limit=1000").json().path("records")) {
        if (r.path("action").asText().equals("reportHost")) {
          records.add(r.path("target").asText() + " " + r.path("outcome").asText() + ": " + r.path("reason").asText());
        }
      }
      assertThat(records).hasSize(4);
      String first = "host:node-1 success: score " + kept(loose);
      assertThat(records).anyMatch(r -> r.startsWith(first) && r.endsWith(", offline"));
      assertThat(records).anyMatch(r -> r.startsWith("host:node-1 refused: host report of node-1: its score"));
      assertThat(records).anyMatch(r -> r.startsWith("node-2 denied: token viewer may not report host"));
      assertThat(auditor.get("/v1/audit/verify").json().path("verified").asBoolean()).isTrue();
    }
  }

  private static String kept(String report) throws Exception {
    JsonNode s = JSON.readTree(report).path("score");
    return s.path("value").asInt() + " (" + s.path("grade").asText() + ")";
  }
}
