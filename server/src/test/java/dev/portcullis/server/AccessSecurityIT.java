package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reviewer tries against the server's access control: self-approval of each of the four
 * guarded actions (refused on identity, also through the requester's own token; a second identity
 * approves), a session's call without its CSRF token, a session cookie replayed after logout, SQL
 * metacharacters in every filter, and secrets in the log or the audit trail.
 */
class AccessSecurityIT {
  private static final String ALICE_PASSWORD = "alice's long password";
  private static final String BOB_PASSWORD = "bob's long password!";
  private static final String QUARANTINED = "sha256:" + "e".repeat(64);

  @TempDir static Path dir;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static Server server;
  private static int port;
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    port = RegistryProcess.freePort();
    ServerFixtures.keyPair(dir);
    Path config = ServerFixtures.offlineConfig(dir, port, """
        signatureGrace: 1h
        signing:
          key: server.key
        jobs:
          backoff: 1h
        stages:
          prod: {approval: required}""");
    try (Store store = Store.sqlite(dir.resolve("data"), Clock.systemUTC())) {
      store.transaction(c -> {
        store.images().seen(c, "dev", "team/app", Digest.parse(QUARANTINED), "1.0", "sweep", "seeded");
        store.images().transition(c, "dev", QUARANTINED, ImageState.QUARANTINED, "scanner", "seeded");
        return null;
      });
    }
    server = ServerFixtures.start(config, LOG);
    ApiClient admin = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD);
    secrets.add(ServerFixtures.ADMIN_PASSWORD);
    admin.cookie().ifPresent(secrets::add);
    admin.createUser("alice", ALICE_PASSWORD, List.of("developer:**", "operator:**", "security:**"));
    admin.createUser("bob", BOB_PASSWORD, List.of("security:**", "operator:**"));
    secrets.add(ALICE_PASSWORD);
    secrets.add(BOB_PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ApiClient alice() throws Exception {
    ApiClient a = ApiClient.login(port, "alice", ALICE_PASSWORD);
    a.cookie().ifPresent(secrets::add);
    return a;
  }

  private static ApiClient bob() throws Exception {
    ApiClient b = ApiClient.login(port, "bob", BOB_PASSWORD);
    b.cookie().ifPresent(secrets::add);
    return b;
  }

  /** Alice's own token: she is its principal, so it cannot approve what she asked for either. */
  private static ApiClient alicesToken() throws Exception {
    String secret = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD).createToken("alice-ci", "alice",
        List.of("developer:**", "operator:**", "security:**"));
    secrets.add(secret);
    return ApiClient.withToken(port, secret);
  }

  private static void refusedThenApproved(ApiClient requester, ApiClient requesterToken, ApiClient other, String approvePath) throws Exception {
    ApiClient.Answer self = requester.post(approvePath, "{\"reason\":\"looks fine to me\"}");
    assertThat(self.status()).as(approvePath + ": " + self).isEqualTo(403);
    assertThat(self.json().get("code").asText()).isEqualTo("SELF_APPROVAL");
    ApiClient.Answer viaToken = requesterToken.post(approvePath, "{}");
    assertThat(viaToken.status()).as(approvePath + " through the requester's token: " + viaToken).isEqualTo(403);
    ApiClient.Answer approved = other.post(approvePath, "{\"reason\":\"reviewed\"}");
    assertThat(approved.status()).as(approvePath + ": " + approved).isEqualTo(200);
  }

  @Test
  void nobodyApprovesTheirOwnRequest() throws Exception {
    ApiClient alice = alice();
    ApiClient token = alicesToken();
    ApiClient bob = bob();
    // 1. an exception
    ApiClient.Answer e = alice.post("/v1/exceptions", """
        {"finding":"CVE-2024-1111","image":"team/app","justification":"not reachable: the parser is never called","expires":"2099-12-31"}""");
    assertThat(e.status()).as(e.toString()).isEqualTo(201);
    refusedThenApproved(alice, token, bob, "/v1/exceptions/" + e.json().get("id").asText() + "/approve");
    JsonNode approved = bob.get("/v1/exceptions/" + e.json().get("id").asText()).json();
    assertThat(approved.get("state").asText()).isEqualTo("approved");
    assertThat(approved.get("requester").asText()).isEqualTo("user:alice");
    assertThat(approved.get("approver").asText()).isEqualTo("user:bob");
    // 2. a quarantine release
    ApiClient.Answer release = alice.post("/v1/releases", "{\"registry\":\"dev\",\"digest\":\"" + QUARANTINED
        + "\",\"justification\":\"the leaked key was revoked (TICKET-7)\"}");
    assertThat(release.status()).as(release.toString()).isEqualTo(202);
    refusedThenApproved(alice, token, bob, "/v1/releases/" + release.json().get("id").asText() + "/approve");
    assertThat(bob.get("/v1/images/" + QUARANTINED).body()).contains("\"state\":\"released\"");
    // 3. a promotion to a stage that requires approval
    ApiClient.Answer promotion = alice.post("/v1/promotions", """
        {"sourceRegistry":"dev","sourceRepository":"team/app","sourceReference":"1.0","destinationRegistry":"dev",
         "destinationRepository":"team/app","destinationTag":"prod","stage":"prod"}""");
    assertThat(promotion.status()).as(promotion.toString()).isEqualTo(202);
    assertThat(promotion.json().get("state").asText()).isEqualTo("awaiting-approval");
    refusedThenApproved(alice, token, bob, "/v1/promotions/" + promotion.json().get("id").asText() + "/approve");
    // 4. a changed policy
    String text = bob.get("/v1/policies/1").json().get("text").asText();
    ApiClient.Answer proposed = alice.post("/v1/policies", ApiClient.JSON.createObjectNode().put("text", text + "\n# reviewed\n").toString());
    assertThat(proposed.status()).as(proposed.toString()).isEqualTo(201);
    refusedThenApproved(alice, token, bob, "/v1/policies/" + proposed.json().get("version").asInt() + "/activate");
    assertThat(bob.get("/v1/policies").body()).contains("\"state\":\"active\"", "\"state\":\"superseded\"");
  }

  @Test
  void aSessionCallWithoutItsCsrfTokenIsRefused() throws Exception {
    ApiClient alice = alice();
    String body = "{\"finding\":\"CVE-2024-2222\",\"image\":\"team/app\",\"justification\":\"csrf probe of the test\",\"expires\":\"2099-12-31\"}";
    ApiClient.Answer without = alice.withoutCsrf().post("/v1/exceptions", body);
    assertThat(without.status()).isEqualTo(403);
    assertThat(without.json().get("code").asText()).isEqualTo("CSRF");
    // a form post (what another site could make a browser send) without the csrf field
    String form = "finding=CVE-2024-2222&image=team%2Fapp&justification=" + URLEncoder.encode("csrf probe of the test", StandardCharsets.UTF_8)
        + "&expires=2099-12-31&next=%2Fui%2Fexceptions";
    ApiClient.Answer formWithout = alice.withoutCsrf().post("/v1/exceptions", "application/x-www-form-urlencoded",
        form.getBytes(StandardCharsets.UTF_8));
    assertThat(formWithout.status()).isEqualTo(403);
    assertThat(alice.get("/v1/exceptions").body()).doesNotContain("CVE-2024-2222");
    assertThat(alice.post("/v1/exceptions", body).status()).isEqualTo(201);
  }

  @Test
  void aCookieFromBeforeLogoutNoLongerWorks() throws Exception {
    ApiClient alice = alice();
    assertThat(alice.get("/v1/me").status()).isEqualTo(200);
    assertThat(alice.post("/v1/logout", "").status()).isEqualTo(204);
    assertThat(alice.get("/v1/me").status()).isEqualTo(401);
    assertThat(alice.get("/v1/images").status()).isEqualTo(401);
  }

  @Test
  void sqlMetacharactersInEveryFilterAreText() throws Exception {
    ApiClient bob = bob();
    String admin = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD).createToken("auditor", "", List.of("auditor:**"));
    secrets.add(admin);
    ApiClient auditor = ApiClient.withToken(port, admin);
    for (String hostile : List.of("' OR 1=1 --", "%", "_", "\"; DROP TABLE audit_records; --", "x' UNION SELECT * FROM users --")) {
      String q = URLEncoder.encode(hostile, StandardCharsets.UTF_8);
      for (String filter : List.of("actor", "action", "target")) {
        ApiClient.Answer a = auditor.get("/v1/audit?" + filter + "=" + q);
        assertThat(a.status()).as(filter + "=" + hostile).isEqualTo(200);
        assertThat(a.json().get("records")).as(filter + "=" + hostile).isEmpty();
      }
      for (String page : List.of("/ui/images?q=", "/ui/audit?actor=", "/ui/audit?target=", "/ui/trends?q=")) {
        ApiClient.Answer a = page.startsWith("/ui/audit") ? auditor.get(page + q) : bob.get(page + q);
        assertThat(a.status()).as(page + hostile).isIn(200, 400);
      }
    }
    assertThat(auditor.get("/v1/audit/verify").json().get("verified").asBoolean()).isTrue();
    assertThat(auditor.get("/v1/audit?limit=5").json().get("records")).hasSize(5);
  }

  @Test
  void secretsNeverReachTheLogOrTheAuditTrail() throws Exception {
    ApiClient alice = alice();
    alice.get("/v1/me");
    // a wrong password is a secret too
    ApiClient.anonymous(port).post("/v1/login", "{\"name\":\"alice\",\"password\":\"the wrong-but-secret password\"}");
    secrets.add("the wrong-but-secret password");
    alicesToken();
    String log = LOG.toString(StandardCharsets.UTF_8);
    String auditor = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD).createToken("auditor-2", "", List.of("auditor:**"));
    StringBuilder trail = new StringBuilder();
    Long before = null;
    while (true) {
      JsonNode page = ApiClient.withToken(port, auditor).get("/v1/audit?limit=1000" + (before == null ? "" : "&before=" + before)).json()
          .get("records");
      page.forEach(r -> trail.append(r).append('\n'));
      if (page.size() < 1000) {
        break;
      }
      before = page.get(page.size() - 1).get("seq").asLong();
    }
    assertThat(trail).contains("\"action\":\"login\"", "login refused: wrong_password", "createToken");
    for (String secret : secrets) {
      assertThat(log).as("the server's log").doesNotContain(secret);
      assertThat(trail.toString()).as("the audit trail").doesNotContain(secret);
    }
  }

  /** Submits the form {@code id} of the dashboard page {@code page} as the browser would: its fields, its CSRF token, its action. */
  private static ApiClient.Answer submit(ApiClient session, String page, String id) throws Exception {
    ApiClient.Answer html = session.get(page);
    assertThat(html.status()).as(page).isEqualTo(200);
    org.jsoup.nodes.Element form = org.jsoup.Jsoup.parse(html.body()).getElementById(id);
    assertThat(form).as("form " + id + " on " + page).isNotNull();
    StringBuilder body = new StringBuilder();
    for (org.jsoup.nodes.Element input : form.select("input[name], textarea[name]")) {
      String value = input.tagName().equals("textarea") ? input.text() : input.attr("value");
      if (input.attr("name").equals("reason") && value.isEmpty()) {
        value = "checked on the dashboard";
      }
      body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(input.attr("name"), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    return session.withoutCsrf().post(form.attr("action"), "application/x-www-form-urlencoded", body.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void nobodyApprovesTheirOwnRequestOnTheDashboard() throws Exception {
    ApiClient alice = alice();
    ApiClient bob = bob();
    String exception = alice.post("/v1/exceptions", """
        {"finding":"CVE-2024-3333","image":"team/app","justification":"asked from the dashboard test","expires":"2099-12-31"}""")
        .json().get("id").asText();
    String promotion = alice.post("/v1/promotions", """
        {"sourceRegistry":"dev","sourceRepository":"team/app","sourceReference":"1.0","destinationRegistry":"dev",
         "destinationRepository":"team/app","destinationTag":"prod-2","stage":"prod"}""").json().get("id").asText();
    String text = bob.get("/v1/policies/1").json().get("text").asText();
    int version = alice.post("/v1/policies", ApiClient.JSON.createObjectNode().put("text", text + "\n# from the dashboard test\n").toString())
        .json().get("version").asInt();
    record Guarded(String page, String form, String check) {}
    List<Guarded> guarded = List.of(new Guarded("/ui/exceptions", "approve-exception-" + exception, "/v1/exceptions/" + exception),
        new Guarded("/ui/promotions", "approve-promotion-" + promotion, "/v1/promotions/" + promotion),
        new Guarded("/ui/policies", "activate-policy-" + version, "/v1/policies/" + version));
    for (Guarded g : guarded) {
      ApiClient.Answer self = submit(alice, g.page(), g.form());
      assertThat(self.status()).as(g.form() + ": " + self).isEqualTo(403);
      assertThat(self.body()).as(g.form()).contains("error-message");
      assertThat(bob.get(g.check()).body()).as(g.check()).doesNotContain("\"approver\":\"user:alice\"");
      ApiClient.Answer other = submit(bob, g.page(), g.form());
      assertThat(other.status()).as(g.form() + " by bob: " + other).isEqualTo(303);
      assertThat(bob.get(g.check()).body()).as(g.check()).contains("user:bob");
    }
  }
}
