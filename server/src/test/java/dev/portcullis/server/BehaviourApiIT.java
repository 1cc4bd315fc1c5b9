package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner and an enforcer talk to a running server: profiles are kept revision by revision (an older one refused),
 * violations are kept and listed, the mode an operator chooses is what the enforcer reads back, the dashboard shows
 * the workload, and every one of these is a record of the audit trail.
 */
class BehaviourApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void profilesViolationsAndModesAreKeptShownAndAudited() throws Exception {
    int port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, "");
    try (Server server = ServerFixtures.start(config, new ByteArrayOutputStream())) {
      String agentToken = ServerFixtures.token(port, "node-agent", List.of("agent:**"));
      ApiClient viewer = ApiClient.withToken(port, ServerFixtures.token(port, "viewer", List.of("viewer:**")));
      ApiClient operator = ApiClient.withToken(port, ServerFixtures.token(port, "ops", List.of("operator:**")));
      String first = ProfileJson.write(BehaviourSamples.profile("web", 1));
      String second = ProfileJson.write(BehaviourSamples.profile("web", 2));
      try (ServerEvidence agent = new ServerEvidence(URI.create("http://127.0.0.1:" + port), agentToken, Optional.empty(),
          Duration.ofSeconds(5), Clock.systemUTC())) {
        JsonNode kept = JSON.readTree(agent.post("/v1/workloads/web/profiles", first, DEADLINE));
        assertThat(kept.path("revision").asInt()).isEqualTo(1);
        assertThat(kept.path("flows").asInt()).isEqualTo(1);
        agent.post("/v1/workloads/web/profiles", second, DEADLINE);
        assertThat(viewer.get("/v1/workloads/web/profile").body()).isEqualTo(second);
        // an older revision, a profile sent under another workload's name, a document that is not a profile
        assertThatThrownBy(() -> agent.post("/v1/workloads/web/profiles", first, DEADLINE))
            .hasMessageContaining("answered 409").hasMessageContaining("revision 1 is not newer than revision 2");
        assertThatThrownBy(() -> agent.post("/v1/workloads/api/profiles", first, DEADLINE))
            .hasMessageContaining("answered 400").hasMessageContaining("the document is the profile of web");
        assertThatThrownBy(() -> agent.post("/v1/workloads/web/profiles", first.replace("\"port\" : 8080",
            "\"port\" : 0"), DEADLINE)).hasMessageContaining("answered 400").hasMessageContaining("flows[0]: 0 is not a port");
        assertThat(viewer.get("/v1/workloads/web/profile").body()).isEqualTo(second);

        JsonNode sent = JSON.readTree(agent.post("/v1/workloads/web/violations", BehaviourSamples.violations("web"),
            DEADLINE));
        assertThat(sent.path("kept").asInt()).isEqualTo(2);
        assertThatThrownBy(() -> agent.post("/v1/workloads/api/violations", BehaviourSamples.violations("web"), DEADLINE))
            .hasMessageContaining("answered 400").hasMessageContaining("violations[0] is of workload web");
        assertThatThrownBy(() -> agent.post("/v1/workloads/web/violations", "{\"violations\":[{\"kind\":\"flow\"}]}",
            DEADLINE)).hasMessageContaining("violations[0]: workload: missing");
        JsonNode listed = viewer.get("/v1/workloads/web/violations").json().path("violations");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).path("description").asText())
            .isEqualTo("web: exec /bin/sh -c curl http://db:<n>/ (pid 4242, uid 0) killed (protect)");

        // the enforcer reads back the mode an operator chose; an agent may not choose it
        assertThat(viewer.get("/v1/workloads/web/mode").status()).isEqualTo(404);
        assertThat(operator.send("POST", "/v1/workloads/web/mode", "application/json", "{\"mode\":\"protect\"}").status())
            .isEqualTo(200);
        assertThatThrownBy(() -> agent.post("/v1/workloads/web/mode", "{\"mode\":\"monitor\"}", DEADLINE))
            .hasMessageContaining("answered 403");
      }
      assertThat(viewer.get("/v1/workloads/web/mode").json().path("mode").asText()).isEqualTo("protect");
      assertThat(operator.send("POST", "/v1/workloads/web/mode", "application/json", "{\"mode\":\"block\"}").status())
          .isEqualTo(400);

      JsonNode workloads = viewer.get("/v1/workloads").json().path("workloads");
      assertThat(workloads).hasSize(1);
      assertThat(workloads.get(0).path("revision").asInt()).isEqualTo(2);
      assertThat(workloads.get(0).path("mode").asText()).isEqualTo("protect");
      assertThat(workloads.get(0).path("violations").asInt()).isEqualTo(2);

      // the dashboard, signed in: a viewer sees the modes, an operator also the form that switches them
      ApiClient viewerSession = ServerFixtures.user(port, "vera", List.of("viewer:**"));
      ApiClient operatorSession = ServerFixtures.user(port, "otto", List.of("operator:**"));
      String page = viewerSession.get("/ui/workloads").body();
      assertThat(page).contains("id=\"workload-web\" data-mode=\"protect\"").contains("egress tcp/5432 db dropped (protect)")
          .doesNotContain("id=\"mode-web\"");
      assertThat(operatorSession.get("/ui/workloads").body()).contains("id=\"mode-web\"").contains("src=\"/ui/workloads/topology.svg\"");
      // the topology of the kept profiles, drawn by Graphviz: web and the api it calls
      String svg = viewerSession.get("/ui/workloads/topology.svg").body();
      assertThat(svg).contains("<svg").contains(">web</text>").contains(">api</text>");

      ApiClient auditor = ApiClient.withToken(port, ServerFixtures.token(port, "auditor", List.of("auditor:**")));
      List<String> records = new ArrayList<>();
      for (JsonNode r : auditor.get("/v1/audit?limit=1000").json().path("records")) {
        String action = r.path("action").asText();
        if (List.of("reportProfile", "reportViolations", "setWorkloadMode").contains(action)) {
          records.add(action + " " + r.path("target").asText() + " " + r.path("outcome").asText() + ": "
              + r.path("reason").asText());
        }
      }
      assertThat(records).anyMatch(r -> r.startsWith("reportProfile workload:web success: revision 2: 1 flows, 1 processes"));
      assertThat(records).anyMatch(r -> r.startsWith("reportProfile workload:web refused: profile of web: revision 1 is not newer"));
      assertThat(records).anyMatch(r -> r.startsWith("reportViolations workload:web success: 2 violation(s), 2 stopped; first: web: "
          + "egress tcp/5432 db dropped (protect)"));
      assertThat(records).anyMatch(r -> r.equals("setWorkloadMode workload:web success: none -> protect"));
      assertThat(records).anyMatch(r -> r.startsWith("setWorkloadMode") && r.contains("denied"));
      assertThat(auditor.get("/v1/audit/verify").json().path("verified").asBoolean()).isTrue();
    }
  }
}
