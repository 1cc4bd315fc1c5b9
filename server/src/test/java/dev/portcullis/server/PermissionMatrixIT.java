package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Promotions;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole permission matrix, against a running server: every role × every API operation × a
 * target inside and outside the grant's repositories. Every cell is either let through (any answer
 * but 401 and 403) or refused with 403, nothing else; the expectations are this test's own table,
 * written from the roles' descriptions, not read from the code under test.
 */
class PermissionMatrixIT {
  enum Role { VIEWER, DEVELOPER, SECURITY, OPERATOR, AUDITOR, ADMIN, AGENT }

  /** How an operation's scope is checked: on the repository it touches, on every repository, or a list filtered to the grant. */
  enum Kind { SCOPED, GLOBAL, LIST }

  record Row(String operation, Kind kind, Set<Role> allowed) {}

  private static final Set<Role> ALL = EnumSet.allOf(Role.class);

  private static Row row(String operation, Kind kind, Role... allowed) {
    return new Row(operation, kind, allowed.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.of(allowed[0], allowed));
  }

  private static Row reads(String operation, Kind kind) {
    return new Row(operation, kind, ALL);
  }

  /** The matrix: who may do what. */
  static final List<Row> MATRIX = List.of(
      reads("listImages", Kind.LIST), reads("getImage", Kind.SCOPED), reads("getAssessment", Kind.SCOPED), reads("listJobs", Kind.LIST),
      reads("listPromotions", Kind.LIST), reads("getPromotion", Kind.SCOPED), reads("listReleases", Kind.LIST), reads("getRelease", Kind.SCOPED),
      reads("listExceptions", Kind.LIST), reads("getException", Kind.SCOPED), reads("listPolicies", Kind.LIST), reads("getPolicy", Kind.LIST),
      row("requestScan", Kind.SCOPED, Role.DEVELOPER, Role.OPERATOR),
      row("attestTestResult", Kind.SCOPED, Role.DEVELOPER),
      row("retryJob", Kind.GLOBAL, Role.OPERATOR),
      row("requestPromotion", Kind.SCOPED, Role.DEVELOPER, Role.OPERATOR),
      row("approvePromotion", Kind.SCOPED, Role.OPERATOR),
      row("rejectPromotion", Kind.SCOPED, Role.OPERATOR),
      row("requestRelease", Kind.SCOPED, Role.DEVELOPER),
      row("approveRelease", Kind.SCOPED, Role.SECURITY),
      row("rejectRelease", Kind.SCOPED, Role.SECURITY),
      row("requestException", Kind.SCOPED, Role.DEVELOPER),
      row("approveException", Kind.SCOPED, Role.SECURITY),
      row("rejectException", Kind.SCOPED, Role.SECURITY),
      row("renewException", Kind.SCOPED, Role.DEVELOPER),
      row("proposePolicy", Kind.GLOBAL, Role.SECURITY),
      row("activatePolicy", Kind.GLOBAL, Role.SECURITY),
      row("rejectPolicy", Kind.GLOBAL, Role.SECURITY),
      row("listAudit", Kind.GLOBAL, Role.AUDITOR, Role.ADMIN),
      row("verifyAudit", Kind.GLOBAL, Role.AUDITOR, Role.ADMIN),
      row("listUsers", Kind.GLOBAL, Role.ADMIN), row("createUser", Kind.GLOBAL, Role.ADMIN), row("setGrants", Kind.GLOBAL, Role.ADMIN),
      row("setPassword", Kind.GLOBAL, Role.ADMIN), row("disableUser", Kind.GLOBAL, Role.ADMIN), row("enableUser", Kind.GLOBAL, Role.ADMIN),
      row("unlockUser", Kind.GLOBAL, Role.ADMIN), row("listTokens", Kind.GLOBAL, Role.ADMIN), row("createToken", Kind.GLOBAL, Role.ADMIN),
      row("revokeToken", Kind.GLOBAL, Role.ADMIN),
      reads("getAdmissionFacts", Kind.SCOPED), row("reportAdmission", Kind.SCOPED, Role.AGENT),
      row("reportHost", Kind.GLOBAL, Role.OPERATOR, Role.AGENT), reads("listHosts", Kind.LIST), reads("getHostReport", Kind.LIST),
      row("reportProfile", Kind.GLOBAL, Role.OPERATOR, Role.AGENT), row("reportViolations", Kind.GLOBAL, Role.OPERATOR, Role.AGENT),
      row("setWorkloadMode", Kind.GLOBAL, Role.SECURITY, Role.OPERATOR), reads("listWorkloads", Kind.LIST),
      reads("getProfile", Kind.LIST), reads("listViolations", Kind.LIST), reads("getWorkloadMode", Kind.LIST));

  /** Operations anyone may call, or any authenticated identity, or a registry with its secret: checked apart. */
  static final Set<String> UNGUARDED = Set.of("health", "readiness", "metrics", "openapi", "login", "logout", "whoAmI", "receiveNotifications",
      "validateAdmission", "mutateAdmission", "validateAdmissionByNamespace", "mutateAdmissionByNamespace");

  @TempDir static Path dir;
  private static Server server;
  private static int port;
  private static JsonNode doc;
  /** A digest, a promotion, a release and an exception in each team's repository. */
  private static final Map<String, Map<String, String>> TARGETS = new LinkedHashMap<>();
  /** Tokens per role: over team-a's repositories, and over every repository. */
  private static final Map<Role, String> TEAM_A = new LinkedHashMap<>();
  private static final Map<Role, String> EVERYWHERE = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, """
        signatureGrace: 1h
        jobs:
          backoff: 1h""");
    // quarantined images with release requests, and promotions awaiting approval, as earlier work of the server left them
    try (Store store = Store.sqlite(dir.resolve("data"), Clock.systemUTC())) {
      for (String team : List.of("team-a", "team-b")) {
        Map<String, String> t = new LinkedHashMap<>();
        String digest = "sha256:" + (team.equals("team-a") ? "a" : "b").repeat(64);
        String repository = team + "/app";
        store.transaction(c -> {
          store.images().seen(c, "dev", repository, Digest.parse(digest), "1.0", "sweep", "seeded");
          store.images().transition(c, "dev", digest, ImageState.QUARANTINED, "scanner", "seeded");
          return null;
        });
        t.put("repository", repository);
        t.put("digest", digest);
        t.put("release", store.releases().request("dev", digest, "user:somebody", "seeded for the permission matrix").release().orElseThrow().id());
        long now = System.currentTimeMillis();
        t.put("promotion", store.promotions().create(new Promotions.Promotion(Promotions.newId(), "dev", repository, "1.0", "dev", repository,
            "prod", "prod", "user:somebody", null, false, Promotions.State.AWAITING_APPROVAL, null, null, now, now)).id());
        TARGETS.put(team, t);
      }
    }
    server = ServerFixtures.start(config, new ByteArrayOutputStream());
    ApiClient admin = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD);
    for (Role r : Role.values()) {
      String role = r.name().toLowerCase(Locale.ROOT);
      TEAM_A.put(r, admin.createToken(role + "-team-a", "", List.of(role + ":team-a/**")));
      EVERYWHERE.put(r, admin.createToken(role + "-everywhere", "", List.of(role + ":**")));
    }
    ApiClient developer = ApiClient.withToken(port, admin.createToken("seed-developer", "", List.of("developer:**")));
    for (Map.Entry<String, Map<String, String>> t : TARGETS.entrySet()) {
      ApiClient.Answer e = developer.post("/v1/exceptions", """
          {"finding":"CVE-2024-0001","image":"%s","justification":"seeded for the permission matrix","expires":"2099-01-01"}"""
          .formatted(t.getValue().get("repository")));
      assertThat(e.status()).as(e.toString()).isEqualTo(201);
      t.getValue().put("exception", e.json().get("id").asText());
    }
    doc = ApiClient.anonymous(port).get("/v1/openapi.json").json();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Every operation the API documents, by id, with its method and path. */
  private static Map<String, String[]> documented() {
    Map<String, String[]> ops = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> it = p.getValue().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> op = it.next();
        ops.put(op.getValue().get("operationId").asText(), new String[] {op.getKey().toUpperCase(Locale.ROOT), p.getKey()});
      }
    }
    return ops;
  }

  /** A request of {@code operation} aimed at {@code team}'s repository: method, path, body ("" for none). */
  private static String[] request(String operation, String method, String path, String team) {
    Map<String, String> t = TARGETS.get(team);
    String repository = t.get("repository");
    String filled = path.replace("{digest}", t.get("digest")).replace("{name}", "nobody").replace("{version}", "1").replace("{host}", "node-1")
        .replace("{workload}", "web")
        .replace("{id}", switch (operation) {
          case "getPromotion", "approvePromotion", "rejectPromotion" -> t.get("promotion");
          case "getRelease", "approveRelease", "rejectRelease" -> t.get("release");
          case "getException", "approveException", "rejectException", "renewException" -> t.get("exception");
          case "retryJob" -> "00000000-0000-0000-0000-000000000000";
          default -> "none";
        });
    String body = switch (operation) {
      case "requestScan" -> "{\"registry\":\"dev\",\"repository\":\"" + repository + "\",\"digest\":\"sha256:" + "c".repeat(64) + "\"}";
      case "attestTestResult" -> "<testsuite name=\"t\" tests=\"1\"><testcase name=\"a\"/></testsuite>";
      case "requestPromotion" -> "{\"sourceRegistry\":\"dev\",\"sourceRepository\":\"" + repository + "\",\"sourceReference\":\"1.0\","
          + "\"destinationRegistry\":\"dev\",\"destinationRepository\":\"" + repository + "\",\"destinationTag\":\"p\",\"stage\":\"prod\"}";
      case "requestRelease" -> "{\"registry\":\"dev\",\"digest\":\"" + t.get("digest") + "\",\"justification\":\"the matrix asks again\"}";
      case "requestException" -> "{\"finding\":\"CVE-2024-0002\",\"image\":\"" + repository + "\",\"justification\":\"the matrix asks\","
          + "\"expires\":\"2099-01-01\"}";
      case "renewException" -> "{\"expires\":\"2099-01-02\",\"justification\":\"the matrix asks again\"}";
      case "proposePolicy" -> "{\"text\":\"not: [a policy\"}";
      case "createUser" -> "{\"name\":\"nobody-" + team + "\",\"password\":\"a long enough password\",\"grants\":[\"viewer:" + repository + "\"]}";
      case "setGrants" -> "{\"grants\":[\"viewer:**\"]}";
      case "setPassword" -> "{\"password\":\"a long enough password\"}";
      case "createToken" -> "{\"name\":\"matrix\",\"grants\":[\"viewer:" + repository + "\"],\"expiresInDays\":1}";
      case "reportAdmission" -> "{\"source\":\"oci-hook\",\"image\":\"127.0.0.1:5000/" + repository + "@" + t.get("digest")
          + "\",\"outcome\":\"refuse\",\"violations\":[{\"rule\":\"PCS-K8S-001\",\"container\":\"app\",\"message\":\"privileged\"}]}";
      default -> method.equals("POST") ? "{}" : "";
    };
    if (operation.equals("attestTestResult")) {
      filled += "?registry=dev&repository=" + repository;
    }
    if (operation.equals("getAdmissionFacts")) {
      filled += "?image=127.0.0.1:5000/" + repository + "@" + t.get("digest");
    }
    return new String[] {method, filled, body};
  }

  @Test
  void theTableCoversEveryDocumentedOperation() {
    Set<String> inTable = new TreeSet<>();
    MATRIX.forEach(r -> inTable.add(r.operation()));
    Set<String> expected = new TreeSet<>(documented().keySet());
    expected.removeAll(UNGUARDED);
    assertThat(inTable).isEqualTo(expected);
  }

  @Test
  void everyCellIsAllowedOrForbidden() throws Exception {
    Map<String, String[]> ops = documented();
    List<String> wrong = new ArrayList<>();
    int forbidden = 0;
    int allowed = 0;
    for (Row row : MATRIX) {
      String[] op = ops.get(row.operation());
      for (Role role : Role.values()) {
        for (boolean inScope : List.of(true, false)) {
          // a scoped operation aims at team-a (in scope) or team-b (out of scope) with a team-a token;
          // a global one needs a grant over every repository: the token over everything, or the team-a one
          String team = row.kind() == Kind.SCOPED && !inScope ? "team-b" : "team-a";
          String token = row.kind() == Kind.SCOPED || row.kind() == Kind.LIST ? TEAM_A.get(role)
              : (inScope ? EVERYWHERE.get(role) : TEAM_A.get(role));
          String[] req = request(row.operation(), op[0], op[1], team);
          String type = row.operation().equals("attestTestResult") ? "application/xml" : req[2].isEmpty() ? "" : "application/json";
          ApiClient.Answer a = ApiClient.withToken(port, token).send(req[0], req[1], type, req[2]);
          boolean expectAllowed = row.allowed().contains(role) && (inScope || row.kind() == Kind.LIST);
          String cell = row.operation() + " × " + role + " × " + (inScope ? "in scope" : "out of scope") + ": " + a;
          if (expectAllowed) {
            allowed++;
            if (a.status() == 401 || a.status() == 403 || a.status() >= 500 && a.status() != 502) {
              wrong.add("expected allowed: " + cell);
            }
          } else {
            forbidden++;
            if (a.status() != 403 || !a.json().get("code").asText().equals("FORBIDDEN")) {
              wrong.add("expected 403: " + cell);
            }
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(allowed).isGreaterThan(50);
    assertThat(forbidden).isGreaterThan(200);
    // every refusal is a record of the audit trail
    ApiClient auditor = ApiClient.withToken(port, EVERYWHERE.get(Role.AUDITOR));
    int denied = 0;
    Long before = null;
    while (true) {
      JsonNode page = auditor.get("/v1/audit?limit=1000" + (before == null ? "" : "&before=" + before)).json().get("records");
      for (JsonNode r : page) {
        if (r.get("outcome").asText().equals("denied") && r.get("reason").asText().contains(" may not ")) {
          denied++;
        }
        before = r.get("seq").asLong();
      }
      if (page.size() < 1000) {
        break;
      }
    }
    assertThat(denied).isGreaterThanOrEqualTo(forbidden);
    JsonNode verified = auditor.get("/v1/audit/verify").json();
    assertThat(verified.get("verified").asBoolean()).as(verified.toString()).isTrue();
  }

  @Test
  void listsShowOnlyWhatTheGrantCovers() throws Exception {
    ApiClient viewer = ApiClient.withToken(port, TEAM_A.get(Role.VIEWER));
    for (String list : List.of("/v1/images", "/v1/promotions", "/v1/exceptions")) {
      String body = viewer.get(list).body();
      assertThat(body).as(list).contains("team-a/app").doesNotContain("team-b/app");
    }
    // a release names its image by digest
    assertThat(viewer.get("/v1/releases").body()).contains(TARGETS.get("team-a").get("digest")).doesNotContain(TARGETS.get("team-b").get("digest"));
    assertThat(ApiClient.withToken(port, EVERYWHERE.get(Role.VIEWER)).get("/v1/images").body()).contains("team-a/app", "team-b/app");
  }

  @Test
  void nobodyGetsInWithoutAnIdentity() throws Exception {
    Map<String, String[]> ops = documented();
    List<String> wrong = new ArrayList<>();
    for (Row row : MATRIX) {
      String[] op = ops.get(row.operation());
      String[] req = request(row.operation(), op[0], op[1], "team-a");
      ApiClient.Answer a = ApiClient.anonymous(port).send(req[0], req[1], req[2].isEmpty() ? "" : "application/json", req[2]);
      if (a.status() != 401) {
        wrong.add(row.operation() + ": " + a);
      }
      ApiClient.Answer forged = ApiClient.withToken(port, "pcs_" + "A".repeat(43)).send(req[0], req[1], req[2].isEmpty() ? "" : "application/json",
          req[2]);
      if (forged.status() != 401) {
        wrong.add(row.operation() + " with a made-up token: " + forged);
      }
    }
    assertThat(wrong).isEmpty();
    for (String open : List.of("/healthz", "/readyz", "/metrics", "/v1/openapi.json")) {
      assertThat(ApiClient.anonymous(port).get(open).status()).as(open).isEqualTo(200);
    }
  }
}
