package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.Violation;
import dev.portcullis.admission.k8s.Webhook;
import dev.portcullis.admission.remote.FactsJson;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.server.admission.StoredEvidence;
import dev.portcullis.server.admission.WebhookService;
import dev.portcullis.server.api.Operation.Guard;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.AdmissionFacts;
import dev.portcullis.server.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Admission: the Kubernetes webhooks (validating and mutating, per stage or by namespace), decided
 * from the server's stored state only, each decision an audit record; the facts the runtime hook and
 * the Docker plugin ask for; and the decisions they report back.
 */
final class AdmissionApi {
  private static final String STAGE = "[a-z0-9][a-z0-9._-]{0,62}";
  private static final Pattern LINE = Pattern.compile("[^\\p{Cntrl}]{1,500}");

  private final ServerConfig.Admission config;
  private final StoredEvidence evidence;
  private final WebhookService webhooks;
  private final Clock clock;
  private final Store store;

  AdmissionApi(ServerConfig.Admission config, Store store, StoredEvidence evidence, Clock clock) {
    this.config = config;
    this.store = store;
    this.evidence = evidence;
    this.clock = clock;
    this.webhooks = new WebhookService(config, evidence, clock);
  }

  /** The largest body an admission operation reads. */
  long maxBody() {
    return config.maxRequestBytes();
  }

  List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Operation.Param stage = new Operation.Param("stage", "path", true, "the stage whose requirements apply (the namespace's portcullis.dev/stage label)",
        STAGE);
    Operation.Body review = new Operation.Body("application/json", "AdmissionReview");
    Map<Integer, Operation.Response> answers = Map.of(200, HttpApi.ok("the AdmissionReview answer (allowed, status, warnings, patch)",
        "AdmissionReview"), 400, HttpApi.err("not an AdmissionReview"), 404, HttpApi.err("no admission settings for this stage"),
        413, HttpApi.err("larger than admission.maxRequestBytes"));
    ops.add(new Operation("POST", "/admission/validate/{stage}", "validateAdmission",
        "Kubernetes validating webhook: every container's image (digest, signature, verdict, quarantine, registry) and host isolation "
            + "(Pod Security Standards) under the stage's requirements",
        List.of(stage), Optional.of(review), answers, new Guard.Public(), true, r -> webhook(r, false, true)));
    ops.add(new Operation("POST", "/admission/mutate/{stage}", "mutateAdmission",
        "Kubernetes mutating webhook: pins every image tag the server knows to its digest (JSONPatch)",
        List.of(stage), Optional.of(review), answers, new Guard.Public(), true, r -> webhook(r, true, true)));
    ops.add(new Operation("POST", "/admission/validate", "validateAdmissionByNamespace",
        "Kubernetes validating webhook for namespaces without the stage label: the stage from admission.namespaces or admission.defaultStage",
        List.of(), Optional.of(review), answers, new Guard.Public(), true, r -> webhook(r, false, false)));
    ops.add(new Operation("POST", "/admission/mutate", "mutateAdmissionByNamespace",
        "Kubernetes mutating webhook for namespaces without the stage label", List.of(), Optional.of(review), answers, new Guard.Public(), true,
        r -> webhook(r, true, false)));
    ops.add(new Operation("GET", "/v1/admission/facts", "getAdmissionFacts",
        "What the server knows of an image for admission, from its stored state only: state, verified signatures and verdicts, and the "
            + "digest a tag points at",
        List.of(new Operation.Param("image", "query", true, "an image reference, by tag or by digest", "[^\\p{Cntrl}\\s]{1,500}")),
        Optional.empty(), Map.of(200, HttpApi.ok("the facts", "AdmissionFacts"), 400, HttpApi.err("not an image reference"),
            404, HttpApi.err("nothing is known of this image")),
        new Guard.Requires(Permission.READ, this::imageScope), true, this::facts));
    ops.add(new Operation("POST", "/v1/admission/decisions", "reportAdmission",
        "Record a decision a runtime hook or the Docker authorization plugin took, in the audit trail", List.of(),
        Optional.of(new Operation.Body("application/json", "AdmissionDecision")),
        Map.of(201, HttpApi.ok("recorded", "AdmissionRecorded"), 400, HttpApi.err("the report is malformed")),
        new Guard.Requires(Permission.REPORT_ADMISSION, r -> r.jsonObject().path("image").isTextual()
            ? List.of(repositoryOf(r.jsonObject().get("image").asText())) : List.of()), true,
        this::report));
    return ops;
  }

  private List<String> imageScope(Request r) {
    return List.of(repositoryOf(r.query("image").orElse("")));
  }

  private static String repositoryOf(String image) {
    try {
      return ImageRef.parse(image).repository();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private void webhook(Request r, boolean mutating, boolean byPath) throws Exception {
    Optional<String> pathStage = byPath ? Optional.of(r.path("stage")) : Optional.empty();
    WebhookService.Answer answer;
    try {
      webhooks.requireStage(pathStage);
      answer = webhooks.handle(r.body(), mutating, pathStage);
    } catch (WebhookService.UnknownStage e) {
      throw new ApiException(404, "NOT_FOUND", e.getMessage());
    }
    r.identity(Identity.actor("admission"));
    r.auditTarget(answer.target());
    r.auditOutcome(answer.outcome());
    r.auditReason(answer.reason());
    Webhook.Reply reply = answer.reply();
    if (reply.httpStatus() != 200) {
      // not a review that can be answered: the API server treats any other status as the webhook's failure (failurePolicy decides)
      throw new ApiException(reply.httpStatus(), reply.httpStatus() == 413 ? "TOO_LARGE" : "BAD_REQUEST", answer.error());
    }
    if (!mutating && reply.result() instanceof Webhook.Result.Decided d && d.outcome() instanceof Outcome.Admit
        && reply.request().isPresent() && !reply.request().get().dryRun()) {
      Webhook.Request request = reply.request().get();
      r.auditWith(c -> deployed(c, request, d, answer.stage()));
    }
    r.rawJson(reply.httpStatus(), reply.body());
  }

  /**
   * Records what admission let start (never a dry run): one row per container, with the digest it
   * was decided on, in the transaction of the decision's audit record.
   */
  private Void deployed(java.sql.Connection c, Webhook.Request request, Webhook.Result.Decided d, String stage) throws java.sql.SQLException {
    List<AdmissionFacts.Deployment> rows = new ArrayList<>();
    for (dev.portcullis.admission.ContainerImage image : d.containers()) {
      int at = image.image().indexOf('@');
      String digest = at >= 0 ? image.image().substring(at + 1)
          : Optional.ofNullable(d.resolved().get(image.image())).map(Digest::toString).orElse("");
      rows.add(new AdmissionFacts.Deployment("kubernetes", request.namespace(), request.kind(),
          request.name().isEmpty() ? "(generated)" : request.name(), image.container(), HttpApi.clip(image.image(), 900), digest,
          stage.isEmpty() ? "none" : stage, d.outcome().violations().isEmpty() ? "allowed" : "allowed-with-findings"));
    }
    store.admission().deployed(c, rows);
    return null;
  }

  private void facts(Request r) throws Exception {
    String text = r.query("image").orElse("");
    ImageRef image;
    try {
      image = ImageRef.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", "image '" + HttpApi.clip(text) + "': " + Request.firstLine(e.getMessage()));
    }
    Instant deadline = clock.instant().plusSeconds(5);
    Optional<Digest> digest = evidence.resolve(image, deadline);
    if (digest.isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "no digest is known for " + image + " (not in a registry this server watches, or not pushed yet)");
    }
    Optional<ImageFacts> facts = evidence.facts(image, digest.get(), deadline);
    if (facts.isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "nothing is known of " + image.withDigest(digest.get()));
    }
    r.rawJson(200, FactsJson.writeEnvelope(new FactsJson.Envelope(image.toString(), digest.get(), facts.get())));
  }

  private void report(Request r) throws Exception {
    JsonNode body = r.jsonObject();
    String source = field(body, "source", "[a-z][a-z0-9-]{0,39}");
    String outcome = field(body, "outcome", "admit|refuse|error");
    String image = optional(body, "image", LINE.pattern());
    String digest = optional(body, "digest", "sha256:[0-9a-f]{64}");
    String container = optional(body, "container", LINE.pattern());
    String message = optional(body, "message", LINE.pattern());
    List<String> violations = new ArrayList<>();
    JsonNode list = body.path("violations");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw new ApiException(400, "BAD_REQUEST", "violations: must be a list of {rule, container, message}");
    }
    for (JsonNode v : list) {
      if (!v.isObject() || violations.size() >= 50) {
        throw new ApiException(400, "BAD_REQUEST", "violations: at most 50 objects {rule, container, message}");
      }
      String rule = field(v, "rule", "[A-Z]{3}-[A-Z0-9]{2,8}-[0-9]{3}");
      String says = field(v, "message", LINE.pattern());
      String in = optional(v, "container", LINE.pattern());
      violations.add(new Violation(rule, in.isEmpty() ? "pod" : in, says).line());
    }
    r.auditTarget((image.isEmpty() ? "(image unknown)" : image) + (digest.isEmpty() || image.contains("@") ? "" : "@" + digest)
        + (container.isEmpty() ? "" : " (" + container + ")"));
    r.auditOutcome(switch (outcome) {
      case "admit" -> violations.isEmpty() ? "allowed" : "allowed-with-findings";
      default -> "denied";
    });
    r.auditReason(source + ": " + outcome + (violations.isEmpty() ? "" : ": " + String.join("; ", violations))
        + (message.isEmpty() ? "" : (violations.isEmpty() ? ": " : "; ") + message));
    r.json(201, Request.JSON.createObjectNode().put("recorded", true));
  }

  /** A text field that may be absent or null (""), else must match {@code pattern}. */
  private static String optional(JsonNode body, String name, String pattern) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual() || !v.asText().matches(pattern)) {
      throw new ApiException(400, "BAD_REQUEST", name + ": not " + (pattern.length() < 60 ? pattern : "one line of at most 500 characters"));
    }
    return v.asText();
  }

  private static String field(JsonNode body, String name, String pattern) {
    JsonNode v = body.get(name);
    if (v == null || !v.isTextual() || !v.asText().matches(pattern)) {
      throw new ApiException(400, "BAD_REQUEST", name + ": missing or not " + (pattern.length() < 60 ? pattern : "one line of at most 500 characters"));
    }
    return v.asText();
  }
}
