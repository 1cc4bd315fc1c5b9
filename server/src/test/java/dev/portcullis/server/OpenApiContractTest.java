package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document against what the server really does: every documented operation answers
 * with a documented status and a body of the documented schema, parameters outside their pattern
 * are refused with 400, and what is not documented is not served.
 */
class OpenApiContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static Server server;
  private static String base;
  private static JsonNode doc;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    int port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, "signatureGrace: 1h");
    server = ServerFixtures.start(config, new ByteArrayOutputStream());
    base = "http://127.0.0.1:" + port;
    token = ServerFixtures.token(port, "contract", ServerFixtures.ALL_ROLES);
    doc = JSON.readTree(send("GET", "/v1/openapi.json", null).body());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body checked against the schema the document declares for this operation and status. */
  private static void conforms(JsonNode operation, HttpResponse<String> r, String what) throws Exception {
    JsonNode response = operation.path("responses").path(String.valueOf(r.statusCode()));
    assertThat(response.isMissingNode()).as(what + " answered " + r.statusCode() + ", which the document does not list: " + r.body()).isFalse();
    JsonNode json = response.path("content").path("application/json").path("schema");
    if (json.isMissingNode()) {
      assertThat(response.path("content").has("text/plain")).isTrue();
      return;
    }
    ObjectNode schema = JSON.createObjectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.setAll((ObjectNode) json.deepCopy());
    schema.set("components", doc.get("components"));
    Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema)
        .validate(JSON.readTree(r.body()));
    assertThat(errors).as(what + " body " + r.body()).isEmpty();
  }

  private static String sample(JsonNode param) {
    return switch (param.get("name").asText()) {
      case "digest" -> "sha256:" + "a".repeat(64);
      case "registry" -> "dev";
      case "id" -> "00000000-0000-0000-0000-000000000000";
      case "state" -> {
        String pattern = param.path("schema").path("pattern").asText();
        yield pattern.contains("awaiting") ? "refused" : pattern.contains("queued") ? "dead" : "passed";
      }
      case "limit" -> "5";
      case "repository" -> "app";
      case "name" -> "nobody";
      case "version" -> "7";
      case "actor", "action", "target" -> "x";
      case "from", "to" -> "2026-01-01T00:00:00Z";
      case "before" -> "5";
      case "stage" -> "prod";
      case "image" -> "127.0.0.1:5000/app:1";
      case "host" -> "node-1";
      case "workload" -> "web";
      default -> throw new AssertionError("no sample for parameter " + param);
    };
  }

  @Test
  void everyDocumentedOperationAnswersAsDocumented() throws Exception {
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    List<String> checked = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
        String path = p.getKey();
        StringBuilder query = new StringBuilder();
        for (JsonNode param : op.getValue().path("parameters")) {
          if (param.get("in").asText().equals("path")) {
            path = path.replace("{" + param.get("name").asText() + "}", sample(param));
          } else {
            query.append(query.isEmpty() ? "?" : "&").append(param.get("name").asText()).append('=').append(sample(param));
          }
        }
        String body = switch (op.getValue().get("operationId").asText()) {
          case "requestScan" -> "{\"registry\":\"dev\",\"repository\":\"app\",\"digest\":\"sha256:" + "b".repeat(64) + "\"}";
          case "receiveNotifications" -> "{\"events\":[]}";
          case "requestPromotion" -> "{\"sourceRegistry\":\"dev\",\"sourceRepository\":\"app\",\"sourceReference\":\"1.0\","
              + "\"destinationRegistry\":\"dev\",\"destinationRepository\":\"prod-app\",\"destinationTag\":\"1.0\",\"stage\":\"prod\"}";
          case "approvePromotion", "approveRelease", "rejectPromotion", "rejectRelease", "approveException", "rejectException",
              "activatePolicy", "rejectPolicy" -> "{\"reason\":\"checked\"}";
          case "requestRelease" -> "{\"registry\":\"dev\",\"digest\":\"sha256:" + "d".repeat(64) + "\","
              + "\"justification\":\"the finding is a false positive, see TICKET-1\"}";
          case "login" -> "{\"name\":\"nobody\",\"password\":\"not the password\"}";
          case "createUser" -> "{\"name\":\"carol\",\"password\":\"a long enough password\",\"grants\":[\"viewer:app\"]}";
          case "setGrants" -> "{\"grants\":[\"viewer:**\"]}";
          case "setPassword" -> "{\"password\":\"another long password\"}";
          case "createToken" -> "{\"name\":\"ci\",\"grants\":[\"developer:app\"],\"expiresInDays\":30}";
          case "requestException" -> "{\"finding\":\"CVE-2024-0001\",\"image\":\"app\",\"justification\":\"not reachable in this image\","
              + "\"expires\":\"2099-01-01\"}";
          case "renewException" -> "{\"expires\":\"2099-01-01\",\"justification\":\"still not reachable\"}";
          case "proposePolicy" -> "{\"text\":\"not: [a policy\"}";
          case "validateAdmission", "mutateAdmission", "validateAdmissionByNamespace", "mutateAdmissionByNamespace" -> """
              {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1",\
              "kind":"Pod"},"operation":"CREATE","namespace":"apps","name":"p","userInfo":{"username":"alice"},"object":{"apiVersion":"v1",\
              "kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}}""";
          case "reportAdmission" -> "{\"source\":\"oci-hook\",\"image\":\"app:1\",\"outcome\":\"admit\",\"violations\":[]}";
          case "reportHost" -> hostReport();
          case "reportProfile" -> BehaviourSamples.profile("web");
          case "reportViolations" -> BehaviourSamples.violations("web");
          case "setWorkloadMode" -> "{\"mode\":\"protect\"}";
          default -> null;
        };
        HttpResponse<String> r = send(method, path + query, body);
        conforms(op.getValue(), r, method + " " + path + query);
        checked.add(op.getValue().get("operationId").asText());
      }
    }
    assertThat(checked).contains("listImages", "getImage", "getAssessment", "requestScan", "receiveNotifications", "listJobs", "retryJob",
        "health", "readiness", "metrics", "openapi", "requestPromotion", "listPromotions", "getPromotion", "approvePromotion", "requestRelease", "approveRelease", "getRelease", "attestTestResult",
        "login", "logout", "whoAmI", "listUsers", "createUser", "createToken", "revokeToken", "listAudit", "verifyAudit", "requestException",
        "approveException", "listPolicies", "proposePolicy", "activatePolicy", "validateAdmission", "mutateAdmission", "getAdmissionFacts",
        "reportAdmission", "reportHost", "listHosts", "getHostReport", "reportProfile", "listWorkloads", "getProfile",
        "reportViolations", "listViolations", "setWorkloadMode", "getWorkloadMode");
  }

  /** A host report as portcullis host writes it: one Docker check passed, one failed. */
  private static String hostReport() {
    dev.portcullis.host.check.CheckCatalog catalog = dev.portcullis.host.check.CheckCatalog.builtInWithoutContainers();
    List<dev.portcullis.host.CheckResult> results = List.of(
        new dev.portcullis.host.CheckResult(catalog.get("PCS-HOST-DOCKER-001").orElseThrow(), dev.portcullis.host.Status.PASS, "as expected"),
        new dev.portcullis.host.CheckResult(catalog.get("PCS-HOST-DOCKER-002").orElseThrow(), dev.portcullis.host.Status.FAIL, "icc=true"));
    return dev.portcullis.host.output.HostReportWriter.write(dev.portcullis.host.HostReport.of("/srv/node-1", false,
        List.of(dev.portcullis.host.Profile.DOCKER), results), dev.portcullis.host.output.HostReportWriter.Format.JSON, "test");
  }

  @Test
  void parametersOutsideTheirPatternAreRefusedAsDocumented() throws Exception {
    int refused = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        for (JsonNode bad : op.getValue().path("parameters")) {
          String path = p.getKey();
          String query = "";
          for (JsonNode param : op.getValue().path("parameters")) {
            String value = param == bad ? "..%2F..%2Fetc%0A" : sample(param);
            if (param.get("in").asText().equals("path")) {
              path = path.replace("{" + param.get("name").asText() + "}", value);
            } else {
              query += (query.isEmpty() ? "?" : "&") + param.get("name").asText() + "=" + value;
            }
          }
          String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
          HttpResponse<String> r = send(method, path + query, method.equals("POST") ? "{}" : null);
          assertThat(r.statusCode()).as(method + " " + path + query + ": " + r.body()).isEqualTo(400);
          conforms(op.getValue(), r, method + " " + path + query);
          refused++;
        }
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(8);
  }

  @Test
  void whatIsNotDocumentedIsNotServed() throws Exception {
    HttpResponse<String> wrongMethod = send("DELETE", "/v1/images", null);
    assertThat(wrongMethod.statusCode()).isIn(404, 405);
    assertThat(JSON.readTree(wrongMethod.body()).get("code").asText()).isIn("NOT_FOUND", "METHOD_NOT_ALLOWED");
    HttpResponse<String> unknown = send("GET", "/v1/admin", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("code").asText()).isEqualTo("NOT_FOUND");
  }
}
