package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing against a running server, counted: 30 rapid guesses at one account from one
 * address. The account locks after the configured failures (and then refuses even the right
 * password, without saying so), and the address is throttled after ten failures a minute; the
 * audit trail tells which refusal each guess met.
 */
class LoginThrottleIT {
  @TempDir Path dir;
  private Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void guessesAreCountedLockedAndThrottled() throws Exception {
    int port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, "");
    // the auth section is the file's last
    Files.writeString(config, Files.readString(config) + "  lockout:\n    failures: 5\n    period: 15m\n");
    server = ServerFixtures.start(config, new ByteArrayOutputStream());
    ApiClient admin = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD);
    admin.createUser("mallory-target", "the real password 42", List.of("viewer:**"));
    String auditor = admin.createToken("auditor", "", List.of("auditor:**"));

    Map<Integer, Integer> answers = new LinkedHashMap<>();
    String retryAfter = null;
    for (int i = 0; i < 30; i++) {
      ApiClient.Answer a = ApiClient.anonymous(port).post("/v1/login", "{\"name\":\"mallory-target\",\"password\":\"guess " + i + "\"}");
      answers.merge(a.status(), 1, Integer::sum);
      if (a.status() == 429 && retryAfter == null) {
        retryAfter = a.json().get("message").asText();
      }
    }
    // ten failures from one address a minute, then 429 without looking at the password
    assertThat(answers).containsEntry(401, 10).containsEntry(429, 20);
    assertThat(retryAfter).contains("too many login attempts from this address");
    // the account locked at its fifth failure: the right password is refused too, and the answer does not say why
    ApiClient.Answer right = ApiClient.anonymous(port).post("/v1/login", "{\"name\":\"mallory-target\",\"password\":\"the real password 42\"}");
    assertThat(right.status()).isIn(401, 429);
    JsonNode records = ApiClient.withToken(port, auditor).get("/v1/audit?action=login&limit=100").json().get("records");
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (JsonNode r : records) {
      if (r.get("target").asText().equals("user:mallory-target")) {
        reasons.merge(r.get("reason").asText().replaceAll("locked until .*", "locked"), 1, Integer::sum);
      }
    }
    assertThat(reasons).containsEntry("login refused: wrong_password", 5).containsEntry("login refused: locked", 5)
        .containsEntry("login refused: throttled", 20 + (right.status() == 429 ? 1 : 0));
    // an administrator lifts the lock; a success from another identity never counted against the address
    assertThat(admin.post("/v1/users/mallory-target/unlock", "").status()).isEqualTo(200);
  }
}
