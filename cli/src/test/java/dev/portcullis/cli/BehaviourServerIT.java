package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.Server;
import dev.portcullis.testkit.NetnsLab;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.SyntheticAdvisories;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * learn and enforce with a real server: the profile lands there, violations follow, and a mode chosen on the server
 * (as the dashboard's form chooses it) is what the running enforcer switches to, without restarting anything; every
 * one of these is a record of the audit trail.
 */
class BehaviourServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void profilesAndViolationsGoToTheServerAndItsModeIsFollowed(@TempDir Path dir) throws Exception {
    int port = RegistryProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    Path zip = dir.resolve("advisories.zip");
    SyntheticAdvisories.write(zip, 20, 7);
    Path db = dir.resolve("vuln.db");
    new DatabaseImporter(ImportOptions.defaults()).importInto(db, List.of(zip));
    Files.writeString(dir.resolve("admin-password"), "an administrator's long password\n");
    Path config = Files.writeString(dir.resolve("server.yaml"), """
        listen: 127.0.0.1:%d
        data: data
        workers: 1
        vulnerabilityDatabase: %s
        sweepInterval: 0
        registries:
          - name: dev
            url: http://127.0.0.1:%d
        auth:
          admin:
            name: admin
            passwordFile: %s
        """.formatted(port, db, RegistryProcess.freePort(), dir.resolve("admin-password")));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    Path state = dir.resolve("state");
    try (Server server = Server.start(new Server.Options(config, Optional.empty(), Optional.empty(), false, "test",
            new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC()));
        NetnsLab lab = NetnsLab.create("client", "server")) {
      Session admin = Session.login(base, "admin", "an administrator's long password");
      Path agentToken = Files.writeString(dir.resolve("agent.token"), admin.token("node-agent", "agent:**"));
      String operator = admin.token("ops", "operator:**");
      String auditor = admin.token("auditor", "auditor:**");

      String address = lab.address("server");
      lab.start("server", "http-8080", List.of("python3", "-m", "http.server", "8080", "--bind", address));
      lab.start("server", "http-9090", List.of("python3", "-m", "http.server", "9090", "--bind", address));
      String clientRef = "client=netns:" + lab.namespace("client");
      String serverRef = "server=netns:" + lab.namespace("server");
      List<String> toServer = List.of("--server", base, "--token-file", agentToken.toString());
      BehaviourCliIT.await("the servers to listen", () -> BehaviourCliIT.curl(lab, address, 8080)
          && BehaviourCliIT.curl(lab, address, 9090));

      CompletableFuture<CliRun> learning = CompletableFuture.supplyAsync(() -> CliRun.of(args(List.of("learn", clientRef,
          serverRef, "--duration", "4s", "-o", profiles.toString(), "--state-dir", state.toString(), "-q"), toServer)));
      BehaviourCliIT.await("learning's rules", () -> BehaviourCliIT.rules(lab, "client"));
      for (int i = 0; i < 3; i++) {
        assertThat(BehaviourCliIT.curl(lab, address, 8080)).isTrue();
      }
      CliRun learned = learning.get();
      assertThat(learned.exit()).as(learned.err()).isZero();
      JsonNode workloads = get(base, operator, "/v1/workloads").path("workloads");
      assertThat(workloads.findValuesAsText("workload")).containsExactly("client", "server");
      assertThat(workloads.get(0).path("revision").asInt()).isEqualTo(1);
      assertThat(workloads.get(0).path("flows").asInt()).isEqualTo(1);
      assertThat(Files.readString(profiles.resolve("client.json"))).as("the calls' programs, allowed in protect mode")
          .contains("\"executable\" : \"/usr/bin/curl\"");

      CompletableFuture<CliRun> enforcing = CompletableFuture.supplyAsync(() -> CliRun.of(args(List.of("enforce",
          profiles.toString(), "--workload", clientRef, "--workload", serverRef, "--mode", "monitor", "--duration", "12s",
          "--state-dir", state.toString(), "-q"), toServer)));
      BehaviourCliIT.await("enforce's rules", () -> BehaviourCliIT.rules(lab, "client"));
      assertThat(BehaviourCliIT.curl(lab, address, 9090)).as("monitor lets it through").isTrue();
      HttpResponse<String> chosen = send(base, operator, "POST", "/v1/workloads/client/mode", "{\"mode\":\"protect\"}");
      assertThat(chosen.statusCode()).as(chosen.body()).isEqualTo(200);
      BehaviourCliIT.await("the enforcer to follow the server's mode",
          () -> !BehaviourCliIT.curl(lab, address, 9090));
      assertThat(BehaviourCliIT.curl(lab, address, 8080)).as("the learned call, in protect mode").isTrue();
      CliRun enforced = enforcing.get();
      assertThat(enforced.exit()).as(enforced.err()).isZero();

      List<String> kept = get(base, operator, "/v1/workloads/client/violations").path("violations")
          .findValuesAsText("description");
      assertThat(kept).contains("client: egress tcp/9090 server allowed (monitor)", "client: egress tcp/9090 server dropped (protect)");
      List<String> records = new ArrayList<>();
      for (JsonNode r : get(base, auditor, "/v1/audit?limit=1000").path("records")) {
        records.add(r.path("action").asText() + " " + r.path("target").asText() + " " + r.path("outcome").asText());
      }
      assertThat(records).contains("reportProfile workload:client success", "reportProfile workload:server success",
          "setWorkloadMode workload:client success", "reportViolations workload:client success");
    }
  }

  private static String[] args(List<String> command, List<String> more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(more);
    return all.toArray(String[]::new);
  }

  private static JsonNode get(String base, String token, String path) throws Exception {
    HttpResponse<String> r = send(base, token, "GET", path, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> send(String base, String token, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The administrator, signed in, making API tokens. */
  private record Session(String base, String cookie, String csrf) {
    static Session login(String base, String name, String password) throws Exception {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/login")).header("Content-Type",
          "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("name", name)
          .put("password", password).toString())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("portcullis_session="))
          .findFirst().orElseThrow();
      return new Session(base, setCookie.substring(0, setCookie.indexOf(';')), JSON.readTree(r.body()).get("csrf").asText());
    }

    String token(String name, String grant) throws Exception {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/tokens"))
          .header("Content-Type", "application/json").header("Cookie", cookie).header("X-CSRF-Token", csrf)
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"grants\":[\"" + grant + "\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      return JSON.readTree(r.body()).get("secret").asText();
    }
  }
}
