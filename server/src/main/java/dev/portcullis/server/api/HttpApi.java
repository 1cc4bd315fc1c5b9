package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.policy.Policy;
import dev.portcullis.server.store.Job;
import dev.portcullis.server.store.Promotions;
import dev.portcullis.server.store.Releases;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.work.Intake;
import dev.portcullis.server.work.Metrics;
import dev.portcullis.server.work.TestResultAttester;
import dev.portcullis.server.work.ServerLog;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The server's HTTP API. Every operation is declared once in {@link #operations()}: the router
 * serves exactly those, after checking their parameters, and {@code /v1/openapi.json} describes
 * exactly those. Errors are JSON {@code {code, message}} with the status that fits; an unexpected
 * failure is a 500 whose message names no internals.
 */
public final class HttpApi implements AutoCloseable {
  /** The largest request body of any operation but notifications (which have their own limit). */
  static final long MAX_BODY = 64 * 1024;
  /** The largest JUnit report accepted by {@code POST /v1/images/{digest}/test-results}. */
  static final long MAX_REPORT = 16L << 20;
  private static final String DIGEST = "sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}";
  private static final int MAX_LIST = 1000;

  private final Store store;
  private final ServerConfig config;
  private final Intake intake;
  private final Metrics metrics;
  private final ServerLog log;
  private final Map<String, RegistryOptions> registryOptions;
  private final Policy policy;
  private final TestResultAttester testResults;
  private final boolean canSign;
  private final Runnable nudge;
  private final List<Operation> operations;
  private final Javalin app;
  private volatile boolean ready;

  public HttpApi(Store store, ServerConfig config, Intake intake, Metrics metrics, ServerLog log, Map<String, RegistryOptions> registryOptions,
      Policy policy, boolean canSign, Runnable nudge, TestResultAttester testResults) {
    this.testResults = testResults;
    this.policy = policy;
    this.canSign = canSign;
    this.nudge = nudge;
    this.store = store;
    this.config = config;
    this.intake = intake;
    this.metrics = metrics;
    this.log = log;
    this.registryOptions = Map.copyOf(registryOptions);
    this.operations = operations();
    String openapi = OpenApi.document(operations).toString();
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.jetty.host = config.listen().host();
      c.jetty.port = config.listen().port();
      c.http.maxRequestSize = Math.max(MAX_REPORT, config.maxNotificationBytes());
      c.http.prefer405over404 = true;
      c.jetty.modifyHttpConfiguration(h -> {
        h.setRequestHeaderSize(16 * 1024);
        h.setSendServerVersion(false);
      });
      for (Operation op : operations) {
        c.routes.addHttpHandler(HandlerType.findOrCreate(op.method()), op.path(), ctx -> serve(op, ctx));
      }
      c.routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
      c.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
      c.routes.exception(Exception.class, (e, ctx) -> {
        log.warn(ctx.method() + " " + ctx.path() + ": " + e);
        error(ctx, 500, "INTERNAL", "the server failed to answer; its log says why");
      });
      c.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
          error(ctx, 404, "NOT_FOUND", "no such resource: " + ctx.path());
        }
      });
      c.routes.error(405, ctx -> error(ctx, 405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + ctx.path()));
    });
  }

  /** Starts listening; returns the port (useful when the configuration asked for any free port). */
  public int start() {
    app.start();
    ready = true;
    return app.port();
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode body = Request.JSON.createObjectNode().put("code", code).put("message", message);
    ctx.status(status).contentType("application/json").result(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void serve(Operation op, Context ctx) throws Exception {
    for (Operation.Param p : op.params()) {
      String value = p.in().equals("path") ? ctx.pathParam(p.name()) : ctx.queryParam(p.name());
      if (value == null) {
        if (p.required()) {
          throw new ApiException(400, "BAD_REQUEST", "parameter " + p.name() + " is missing");
        }
        continue;
      }
      if (!p.pattern().isEmpty() && !Pattern.matches(p.pattern(), value)) {
        throw new ApiException(400, "BAD_REQUEST", "parameter " + p.name() + ": '" + clip(value) + "' does not match " + p.pattern());
      }
    }
    long limit = switch (op.id()) {
      case "receiveNotifications" -> config.maxNotificationBytes();
      case "attestTestResult" -> MAX_REPORT;
      default -> MAX_BODY;
    };
    op.handler().handle(new Request(ctx, limit));
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** Every operation of the API. */
  List<Operation> operations() {
    Map<Integer, Operation.Response> imageErrors = Map.of(400, err("a parameter is malformed"), 404, err("no such image"));
    List<Operation> ops = new ArrayList<>();
    ops.add(new Operation("GET", "/v1/images", "listImages", "Images in every registry, most recently changed first",
        List.of(stateParam("pending|scanning|passed|warned|quarantined|released"), limitParam()), Optional.empty(),
        Map.of(200, ok("the images", "ImageList"), 400, err("a parameter is malformed")), this::listImages));
    ops.add(new Operation("GET", "/v1/images/{digest}", "getImage", "An image's state in every registry that holds it, with its history",
        List.of(digestParam()), Optional.empty(), with(imageErrors, 200, ok("the image", "ImageDetail")), this::getImage));
    ops.add(new Operation("GET", "/v1/images/{digest}/assessment", "getAssessment",
        "The last scan's full assessment, its risk report and the decision of every stage",
        List.of(digestParam(), new Operation.Param("registry", "query", false, "which registry's scan (default: the first)", "[a-z0-9][a-z0-9._-]{0,62}")),
        Optional.empty(), with(imageErrors, 200, ok("the stored assessment", "StoredAssessment")), this::getAssessment));
    ops.add(new Operation("POST", "/v1/scans", "requestScan", "Queue a scan of an image in a configured registry (once per digest)",
        List.of(), Optional.of(new Operation.Body("application/json", "ScanRequest")),
        Map.of(202, ok("queued, or already known", "ScanAccepted"), 400, err("the request is malformed"),
            404, err("no such registry, or no such tag"), 502, err("the registry could not be asked")), this::requestScan));
    ops.add(new Operation("POST", "/v1/notifications/{registry}", "receiveNotifications",
        "Receive a Distribution notification envelope: each manifest push queues a scan",
        List.of(new Operation.Param("registry", "path", true, "the configured registry that sends", "[a-z0-9][a-z0-9._-]{0,62}")),
        Optional.of(new Operation.Body(Notifications.MEDIA_TYPE, "Envelope")),
        Map.of(200, ok("the events were read", "NotificationResult"), 400, err("not an envelope"), 401, err("the shared secret is wrong or missing"),
            404, err("no such registry"), 413, err("the envelope is too large"), 415, err("not a notification envelope's media type")),
        this::notifications));
    ops.add(new Operation("GET", "/v1/jobs", "listJobs", "Jobs in the queue, most recently changed first",
        List.of(stateParam("queued|running|done|dead"), limitParam()), Optional.empty(),
        Map.of(200, ok("the jobs", "JobList"), 400, err("a parameter is malformed")), this::listJobs));
    ops.add(new Operation("POST", "/v1/jobs/{id}/retry", "retryJob", "Queue a dead or done job again",
        List.of(new Operation.Param("id", "path", true, "the job's id", "[0-9a-f-]{36}")), Optional.empty(),
        Map.of(200, ok("queued again", "Job"), 400, err("a parameter is malformed"), 404, err("no dead or done job with this id")), this::retryJob));
    ops.add(new Operation("POST", "/v1/images/{digest}/test-results", "attestTestResult",
        "Attest a JUnit XML report (Maven Surefire and the like) as an in-toto test-result attestation signed with the server's key",
        List.of(digestParam(), new Operation.Param("registry", "query", true, "the registry that holds the image", "[a-z0-9][a-z0-9._-]{0,62}"),
            new Operation.Param("repository", "query", true, "the image's repository", ImageRef.REPOSITORY_PATTERN)),
        Optional.of(new Operation.Body("application/xml", "JUnitReport")),
        Map.of(201, ok("attested", "TestResultAttested"), 400, err("not a JUnit report, or a parameter is malformed"), 404, err("no such registry"),
            409, err("the server has no signing key"), 413, err("the report is larger than 16 MiB"), 415, err("not XML"),
            502, err("the registry could not be written")), this::attestTestResult));
    Operation.Param promotionId = new Operation.Param("id", "path", true, "the promotion's id", "[0-9a-f-]{36}");
    ops.add(new Operation("POST", "/v1/promotions", "requestPromotion",
        "Promote an image to another repository or registry for a stage: the stage's gate, then the copy with its signatures, "
            + "verified, attested and tagged last (queued; waits for an approver when the stage requires one)",
        List.of(), Optional.of(new Operation.Body("application/json", "PromotionRequest")),
        Map.of(202, ok("recorded", "Promotion"), 400, err("the request is malformed, or the policy has no such stage"),
            404, err("no such registry"), 409, err("the server has no signing key for the promotion attestation")), this::requestPromotion));
    ops.add(new Operation("GET", "/v1/promotions", "listPromotions", "Promotions, newest first",
        List.of(new Operation.Param("state", "query", false, "only in this state", "awaiting-approval|queued|promoted|refused|failed"),
            limitParam()), Optional.empty(), Map.of(200, ok("the promotions", "PromotionList"), 400, err("a parameter is malformed")),
        this::listPromotions));
    ops.add(new Operation("GET", "/v1/promotions/{id}", "getPromotion", "One promotion and its outcome", List.of(promotionId), Optional.empty(),
        Map.of(200, ok("the promotion", "Promotion"), 400, err("a parameter is malformed"), 404, err("no such promotion")), this::getPromotion));
    ops.add(new Operation("POST", "/v1/promotions/{id}/approve", "approvePromotion",
        "Approve a promotion that waits for approval; the approver must not be its requester", List.of(promotionId),
        Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("approved and queued", "Promotion"), 400, err("the request is malformed"), 403, err("the requester cannot approve"),
            404, err("no such promotion"), 409, err("the promotion does not wait for approval")), this::approvePromotion));
    Operation.Param releaseId = new Operation.Param("id", "path", true, "the release request's id", "[0-9a-f-]{36}");
    ops.add(new Operation("POST", "/v1/releases", "requestRelease",
        "Ask for the release of a quarantined image, with a justification; it takes effect when someone else approves",
        List.of(), Optional.of(new Operation.Body("application/json", "ReleaseRequest")),
        Map.of(202, ok("recorded, awaiting approval", "Release"), 400, err("the request is malformed"), 404, err("no such image"),
            409, err("the image is not quarantined")), this::requestRelease));
    ops.add(new Operation("POST", "/v1/releases/{id}/approve", "approveRelease",
        "Approve a release: the image becomes released (the pull gate lets it through); the approver must not be the requester",
        List.of(releaseId), Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("released", "Release"), 400, err("the request is malformed"), 403, err("the requester cannot approve"),
            404, err("no such release request"), 409, err("not awaiting approval, or the image is no longer quarantined")), this::approveRelease));
    ops.add(new Operation("GET", "/v1/releases/{id}", "getRelease", "One release request", List.of(releaseId), Optional.empty(),
        Map.of(200, ok("the release request", "Release"), 400, err("a parameter is malformed"), 404, err("no such release request")),
        this::getRelease));
    ops.add(new Operation("GET", "/healthz", "health", "Whether the process is alive", List.of(), Optional.empty(),
        Map.of(200, ok("alive", "Health")), r -> r.json(200, Request.JSON.createObjectNode().put("status", "ok"))));
    ops.add(new Operation("GET", "/readyz", "readiness", "Whether the server can take work (its database answers)", List.of(), Optional.empty(),
        Map.of(200, ok("ready", "Health"), 503, ok("not ready", "Health")), this::readiness));
    ops.add(new Operation("GET", "/metrics", "metrics", "Prometheus metrics (text exposition format)", List.of(), Optional.empty(),
        Map.of(200, new Operation.Response("the metrics", "")), this::metricsText));
    return List.copyOf(ops);
  }

  private static Map<Integer, Operation.Response> with(Map<Integer, Operation.Response> m, int status, Operation.Response r) {
    Map<Integer, Operation.Response> copy = new LinkedHashMap<>(m);
    copy.put(status, r);
    return copy;
  }

  private static Operation.Response ok(String description, String schema) {
    return new Operation.Response(description, schema);
  }

  private static Operation.Response err(String description) {
    return new Operation.Response(description, "Error");
  }

  private static Operation.Param digestParam() {
    return new Operation.Param("digest", "path", true, "the manifest digest", DIGEST);
  }

  private static Operation.Param stateParam(String states) {
    return new Operation.Param("state", "query", false, "only in this state", states);
  }

  private static Operation.Param limitParam() {
    return new Operation.Param("limit", "query", false, "at most this many (1 to " + MAX_LIST + ", default 100)", "[1-9][0-9]{0,2}|1000");
  }

  private static int limit(Request r) {
    return r.query("limit").map(Integer::parseInt).orElse(100);
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private static ObjectNode image(ImageStates.Image i) {
    ObjectNode o = Request.JSON.createObjectNode();
    o.put("registry", i.registry()).put("digest", i.digest()).put("repository", i.repository()).put("state", i.state().label());
    if (i.score() == null) {
      o.putNull("score");
    } else {
      o.put("score", i.score());
    }
    o.put("summary", i.summary()).put("firstSeen", time(i.firstSeen())).put("updatedAt", time(i.updatedAt()));
    return o;
  }

  private void listImages(Request r) throws IOException {
    ImageState state = r.query("state").map(ImageState::parse).orElse(null);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("images");
    store.images().list(state, limit(r)).forEach(i -> list.add(image(i)));
    r.json(200, body);
  }

  private void getImage(Request r) throws IOException {
    String digest = r.path("digest");
    List<ImageStates.Image> found = store.images().byDigest(digest);
    if (found.isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "no registry holds an image " + digest + " that the server knows");
    }
    ObjectNode body = Request.JSON.createObjectNode().put("digest", digest);
    ArrayNode registries = body.putArray("registries");
    for (ImageStates.Image i : found) {
      ObjectNode entry = registries.addObject();
      entry.set("image", image(i));
      ArrayNode names = entry.putArray("names");
      store.images().names(i.registry(), digest).forEach(n -> names.addObject().put("repository", n.repository()).put("tag", n.tag()));
      ArrayNode transitions = entry.putArray("transitions");
      for (ImageStates.Transition t : store.images().transitions(i.registry(), digest)) {
        ObjectNode tn = transitions.addObject();
        if (t.from() == null) {
          tn.putNull("from");
        } else {
          tn.put("from", t.from().label());
        }
        tn.put("to", t.to().label()).put("actor", t.actor()).put("reason", t.reason()).put("at", time(t.at()));
      }
    }
    r.json(200, body);
  }

  private void getAssessment(Request r) throws IOException {
    String digest = r.path("digest");
    List<ImageStates.Image> found = store.images().byDigest(digest);
    Optional<String> wanted = r.query("registry");
    for (ImageStates.Image i : found) {
      if (wanted.isPresent() && !wanted.get().equals(i.registry())) {
        continue;
      }
      Optional<ImageStates.Stored> stored = store.images().stored(i.registry(), digest);
      if (stored.isPresent()) {
        ImageStates.Stored s = stored.get();
        Optional<DatabaseVersion> database = store.transaction(c -> store.images().storedDatabase(c, i.registry(), digest));
        String body = "{\"registry\":" + Request.JSON.writeValueAsString(i.registry()) + ",\"digest\":" + Request.JSON.writeValueAsString(digest)
            + ",\"scannedAt\":\"" + time(s.scannedAt()) + "\""
            + (database.isEmpty() ? "" : ",\"vulnerabilityDatabase\":" + Request.JSON.writeValueAsString(database.get().builtAt()))
            + ",\"assessment\":" + s.assessment() + ",\"risk\":" + s.risk() + ",\"decisions\":" + s.decisions() + "}";
        r.rawJson(200, body);
        return;
      }
    }
    throw new ApiException(404, "NOT_FOUND", "no stored assessment of " + digest + wanted.map(w -> " in " + w).orElse("")
        + (found.isEmpty() ? ": the image is not known" : ": it has not been scanned yet"));
  }

  private void requestScan(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("registry", "repository", "digest", "tag").contains(f)) {
        throw new ApiException(400, "BAD_REQUEST", "unknown field " + clip(f));
      }
    }
    String registryName = body.path("registry").asText("");
    ServerConfig.Registry registry = config.registry(registryName)
        .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no registry named '" + clip(registryName) + "' is configured"));
    String repository = body.path("repository").asText("");
    if (!ImageRef.isRepository(repository)) {
      throw new ApiException(400, "BAD_REQUEST", "repository '" + clip(repository) + "' is not a repository name");
    }
    boolean hasDigest = body.hasNonNull("digest");
    boolean hasTag = body.hasNonNull("tag");
    if (hasDigest == hasTag) {
      throw new ApiException(400, "BAD_REQUEST", "give either digest or tag");
    }
    Digest digest;
    String tag = null;
    if (hasDigest) {
      try {
        digest = Digest.parse(body.get("digest").asText());
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "BAD_REQUEST", "digest: " + e.getMessage());
      }
    } else {
      tag = body.get("tag").asText();
      if (!ImageRef.isTag(tag)) {
        throw new ApiException(400, "BAD_REQUEST", "tag '" + clip(tag) + "' is not a tag");
      }
      try (RegistryClient client = RegistryClient.create(registryOptions.get(registry.name()), new ProgressListener() {})) {
        digest = client.findManifest(ImageRef.parse(registry.authority() + "/" + repository + ":" + tag), 4L << 20)
            .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no tag " + body.get("tag").asText() + " in " + repository))
            .digest();
      } catch (IOException e) {
        throw new ApiException(502, "REGISTRY_UNAVAILABLE", "resolve " + repository + ":" + tag + " in " + registry + ": " + e.getMessage());
      }
    }
    Intake.Outcome outcome = intake.announce(registry.name(), repository, digest, tag, "api", "scan requested through the API");
    r.json(202, Request.JSON.createObjectNode().put("registry", registry.name()).put("repository", repository).put("digest", digest.toString())
        .put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)));
  }

  private void notifications(Request r) throws IOException {
    String name = r.path("registry");
    Optional<ServerConfig.Registry> registry = config.registry(name);
    if (registry.isEmpty()) {
      metrics.event("refused");
      log.warn("notification for an unknown registry '" + name + "' refused");
      throw new ApiException(404, "NOT_FOUND", "no registry named '" + name + "' is configured");
    }
    if (config.notificationSecret().isPresent()) {
      String expected = "Bearer " + config.notificationSecret().get();
      String given = r.header("Authorization").orElse("");
      if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        metrics.event("refused");
        log.warn("notification for " + name + " refused: the shared secret is " + (given.isEmpty() ? "missing" : "wrong"));
        throw new ApiException(401, "UNAUTHORIZED", "the notification's Authorization header does not carry the shared secret");
      }
    }
    String type = r.contentType().split(";", 2)[0].strip();
    if (!type.equals(Notifications.MEDIA_TYPE) && !type.equals("application/json")) {
      metrics.event("refused");
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "a notification envelope is " + Notifications.MEDIA_TYPE + ", not '" + clip(type) + "'");
    }
    JsonNode envelope;
    try {
      envelope = r.jsonObject();
    } catch (ApiException e) {
      metrics.event("refused");
      log.warn("notification for " + name + " refused: " + e.getMessage());
      throw e;
    }
    Notifications.Parsed parsed;
    try {
      parsed = Notifications.parse(envelope);
    } catch (ApiException e) {
      metrics.event("refused");
      log.warn("notification for " + name + " refused: " + e.getMessage());
      throw e;
    }
    parsed.problems().forEach(p -> log.warn("notification for " + name + ": " + p));
    int queued = 0;
    int known = 0;
    int ignored = parsed.ignored();
    for (Notifications.Push p : parsed.pushes()) {
      switch (intake.announce(name, p.repository(), p.digest(), p.tag(), "registry " + name, "push event"
          + (p.tag() == null ? "" : " (" + p.repository() + ":" + p.tag() + ")"))) {
        case QUEUED -> {
          queued++;
          metrics.event("queued");
        }
        case KNOWN -> {
          known++;
          metrics.event("known");
        }
        case ATTACHMENT -> {
          ignored++;
          metrics.event("ignored");
        }
      }
    }
    r.json(200, Request.JSON.createObjectNode().put("events", parsed.events()).put("queued", queued).put("known", known).put("ignored", ignored));
  }

  private static ObjectNode job(Job.Row j) {
    return Request.JSON.createObjectNode().put("id", j.id()).put("kind", j.kind().name().toLowerCase(java.util.Locale.ROOT))
        .put("registry", j.registry()).put("repository", j.repository()).put("digest", j.digest()).put("state", j.state().label())
        .put("attempts", j.attempts()).put("runAfter", time(j.runAfter())).put("lastError", j.lastError()).put("updatedAt", time(j.updatedAt()))
        .put("completedBy", j.completedBy());
  }

  private void listJobs(Request r) throws IOException {
    Job.State state = r.query("state").map(s -> Job.State.valueOf(s.toUpperCase(java.util.Locale.ROOT))).orElse(null);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("jobs");
    store.jobs().list(state, limit(r)).forEach(j -> list.add(job(j)));
    r.json(200, body);
  }

  private void retryJob(Request r) throws IOException {
    String id = r.path("id");
    if (!store.jobs().retry(id)) {
      throw new ApiException(404, "NOT_FOUND", "no dead or done job " + id);
    }
    log.info("job " + id + " queued again through the API");
    Job.Row row = store.jobs().list(null, MAX_LIST).stream().filter(j -> j.id().equals(id)).findFirst()
        .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no job " + id));
    r.json(200, job(row));
  }

  private static final Pattern REPOSITORY = Pattern.compile(ImageRef.REPOSITORY_PATTERN);
  private static final Pattern TAG = Pattern.compile(ImageRef.TAG_PATTERN);
  private static final Pattern NAME = Pattern.compile("[\\p{Graph}](?:[\\p{Graph} ]{0,254}[\\p{Graph}])?");

  private static String field(JsonNode body, String name, Pattern pattern) {
    JsonNode v = body.get(name);
    if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
      throw new ApiException(400, "BAD_REQUEST", name + (v == null ? " is missing" : ": '" + clip(v.asText()) + "' is not valid"));
    }
    return v.asText();
  }

  private static void onlyFields(JsonNode body, List<String> allowed) {
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new ApiException(400, "BAD_REQUEST", "unknown field " + clip(f));
      }
    }
  }

  private ServerConfig.Registry configured(String name) {
    return config.registry(name).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no registry named '" + clip(name) + "' is configured"));
  }

  private void requestPromotion(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("sourceRegistry", "sourceRepository", "sourceReference", "destinationRegistry", "destinationRepository",
        "destinationTag", "stage", "requester", "allowRetag"));
    String sourceRegistry = configured(field(body, "sourceRegistry", Pattern.compile(".{1,63}"))).name();
    String sourceRepository = field(body, "sourceRepository", REPOSITORY);
    String sourceReference = field(body, "sourceReference", Pattern.compile(TAG.pattern() + "|" + DIGEST));
    String destinationRegistry = configured(field(body, "destinationRegistry", Pattern.compile(".{1,63}"))).name();
    String destinationRepository = field(body, "destinationRepository", REPOSITORY);
    String destinationTag = field(body, "destinationTag", TAG);
    String stage = field(body, "stage", Pattern.compile(".{1,200}"));
    String requester = field(body, "requester", NAME);
    if (body.has("allowRetag") && !body.get("allowRetag").isBoolean()) {
      throw new ApiException(400, "BAD_REQUEST", "allowRetag must be true or false");
    }
    if (policy.stage(stage).isEmpty()) {
      throw new ApiException(400, "BAD_REQUEST", "the policy " + policy.name() + " has no stage " + clip(stage) + " ("
          + String.join(", ", policy.stageNames()) + ")");
    }
    if (!canSign) {
      throw new ApiException(409, "NO_SIGNING_KEY", "the server has no signing key (signing.key) to attest promotions with");
    }
    long now = store.clock().millis();
    Promotions.State state = config.approvalRequired().contains(stage) ? Promotions.State.AWAITING_APPROVAL : Promotions.State.QUEUED;
    Promotions.Promotion p = store.promotions().create(new Promotions.Promotion(Promotions.newId(), sourceRegistry, sourceRepository,
        sourceReference, destinationRegistry, destinationRepository, destinationTag, stage, requester, null,
        body.path("allowRetag").asBoolean(false), state, null, null, now, now));
    log.info("promotion " + p.id() + " of " + sourceRegistry + "/" + sourceRepository + " " + sourceReference + " to " + destinationRegistry
        + "/" + destinationRepository + ":" + destinationTag + " for " + stage + " requested by " + requester + ": " + state.label());
    nudge.run();
    r.json(202, promotion(p));
  }

  private void approvePromotion(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("approver"));
    String approver = field(body, "approver", NAME);
    String id = r.path("id");
    Promotions.Promotion p = store.promotions().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no promotion " + id));
    if (p.requester().equals(approver)) {
      throw new ApiException(403, "SELF_APPROVAL", approver + " requested this promotion and cannot approve it too");
    }
    Promotions.Promotion after = store.promotions().approve(id, approver).orElseThrow();
    if (after.state() != Promotions.State.QUEUED || !approver.equals(after.approver())) {
      throw new ApiException(409, "NOT_AWAITING_APPROVAL", "promotion " + id + " is " + after.state().label() + ", not awaiting approval");
    }
    log.info("promotion " + id + " approved by " + approver);
    nudge.run();
    r.json(200, promotion(after));
  }

  private void getPromotion(Request r) throws IOException {
    String id = r.path("id");
    r.json(200, promotion(store.promotions().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no promotion " + id))));
  }

  private void listPromotions(Request r) throws IOException {
    Promotions.State state = r.query("state").map(Promotions.State::parse).orElse(null);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("promotions");
    store.promotions().list(state, limit(r)).forEach(p -> list.add(promotion(p)));
    r.json(200, body);
  }

  private static ObjectNode promotion(Promotions.Promotion p) {
    ObjectNode o = Request.JSON.createObjectNode().put("id", p.id()).put("sourceRegistry", p.sourceRegistry())
        .put("sourceRepository", p.sourceRepository()).put("sourceReference", p.sourceReference())
        .put("destinationRegistry", p.destinationRegistry()).put("destinationRepository", p.destinationRepository())
        .put("destinationTag", p.destinationTag()).put("stage", p.stage()).put("requester", p.requester()).put("allowRetag", p.allowRetag())
        .put("state", p.state().label()).put("createdAt", time(p.createdAt())).put("updatedAt", time(p.updatedAt()));
    if (p.approver() == null) {
      o.putNull("approver");
    } else {
      o.put("approver", p.approver());
    }
    if (p.digest() == null) {
      o.putNull("digest");
    } else {
      o.put("digest", p.digest());
    }
    JsonNode result = null;
    if (p.result() != null) {
      try {
        result = Request.JSON.readTree(p.result());
      } catch (IOException e) {
        result = Request.JSON.getNodeFactory().textNode(p.result());
      }
      if (result != null && !result.isObject()) {
        result = Request.JSON.createObjectNode().put("outcome", "failed").put("error", p.result());
      }
    }
    if (result == null) {
      o.putNull("result");
    } else {
      o.set("result", result);
    }
    return o;
  }

  private void attestTestResult(Request r) throws IOException {
    ServerConfig.Registry registry = configured(r.query("registry").orElseThrow());
    String type = r.contentType().split(";", 2)[0].strip();
    if (!type.equals("application/xml") && !type.equals("text/xml")) {
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "a JUnit report is application/xml, not '" + clip(type) + "'");
    }
    if (!testResults.canSign()) {
      throw new ApiException(409, "NO_SIGNING_KEY", "the server has no signing key (signing.key) to attest test results with");
    }
    byte[] report = r.body();
    Digest digest = Digest.parse(r.path("digest"));
    TestResultAttester.Attested a;
    try {
      a = testResults.attest(registry, r.query("repository").orElseThrow(), digest, report);
    } catch (dev.portcullis.sign.testresult.JUnitReportException e) {
      throw new ApiException(400, "BAD_REPORT", e.getMessage().replaceAll("/\\S*/TEST-uploaded\\.xml", "the report"));
    } catch (IOException e) {
      throw new ApiException(502, "REGISTRY_UNAVAILABLE", "attest the test result of " + digest + " in " + registry + ": " + e.getMessage());
    }
    log.info("attested test result " + a.result() + " (" + a.tests() + " tests) of " + digest + " in " + registry);
    r.json(201, Request.JSON.createObjectNode().put("result", a.result()).put("tests", a.tests()).put("keyId", a.keyId())
        .put("predicateType", dev.portcullis.sign.PredicateTypes.TEST_RESULT));
  }

  private void requestRelease(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("registry", "digest", "requester", "justification"));
    String registry = configured(field(body, "registry", Pattern.compile(".{1,63}"))).name();
    String digest = field(body, "digest", Pattern.compile(DIGEST));
    String requester = field(body, "requester", NAME);
    String justification = field(body, "justification", Pattern.compile("(?s)\\S.{9,1999}"));
    Releases.Outcome o = store.releases().request(registry, digest, requester, justification);
    released(r, o, 202);
    log.info("release of " + digest + " in " + registry + " requested by " + requester);
  }

  private void approveRelease(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("approver"));
    String approver = field(body, "approver", NAME);
    Releases.Outcome o = store.releases().approve(r.path("id"), approver);
    released(r, o, 200);
    log.info("release " + r.path("id") + " approved by " + approver);
  }

  private void getRelease(Request r) throws IOException {
    String id = r.path("id");
    r.json(200, release(store.releases().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no release request " + id))));
  }

  private static void released(Request r, Releases.Outcome o, int status) {
    if (o.refusal().isPresent()) {
      throw switch (o.refusal().get()) {
        case NO_SUCH_IMAGE -> new ApiException(404, "NOT_FOUND", "the server knows no such image in that registry");
        case NO_SUCH_RELEASE -> new ApiException(404, "NOT_FOUND", "no such release request");
        case NOT_QUARANTINED -> new ApiException(409, "NOT_QUARANTINED", "the image is not quarantined");
        case NOT_AWAITING -> new ApiException(409, "NOT_AWAITING_APPROVAL", "the release request is not awaiting approval");
        case SELF_APPROVAL -> new ApiException(403, "SELF_APPROVAL", "the requester of a release cannot approve it too");
      };
    }
    r.json(status, release(o.release().orElseThrow()));
  }

  private static ObjectNode release(Releases.Release x) {
    ObjectNode o = Request.JSON.createObjectNode().put("id", x.id()).put("registry", x.registry()).put("digest", x.digest())
        .put("requester", x.requester()).put("justification", x.justification()).put("state", x.state().label())
        .put("createdAt", time(x.createdAt())).put("updatedAt", time(x.updatedAt()));
    if (x.approver() == null) {
      o.putNull("approver");
    } else {
      o.put("approver", x.approver());
    }
    return o;
  }

  private void readiness(Request r) {
    boolean ok = ready && store.ready();
    r.json(ok ? 200 : 503, Request.JSON.createObjectNode().put("status", ok ? "ready" : "not ready"));
  }

  private void metricsText(Request r) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    store.jobs().counts().forEach((k, v) -> counts.put(k.label(), v));
    r.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.text(counts));
  }

  @Override
  public void close() {
    ready = false;
    app.stop();
  }
}
