package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.auth.Authorizer;
import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.api.Operation.Guard;
import dev.portcullis.server.api.Operation.Scope;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.policy.Policy;
import dev.portcullis.server.governance.Governance;
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
import org.jspecify.annotations.Nullable;

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
  private final Governance governance;
  private final DirectoryApi directory;
  private final Dashboard dashboard;
  private final AdmissionApi admission;
  private final HostsApi hosts;
  private final BehaviourApi behaviour;
  private final TestResultAttester testResults;
  private final boolean canSign;
  private final Runnable nudge;
  private final List<Operation> operations;
  private final Javalin app;
  private final Authentication auth;
  private final Auditor auditor;
  private final boolean secureCookies;
  private volatile boolean ready;

  /** The dashboard session's cookie. */
  static final String SESSION_COOKIE = "portcullis_session";
  /** The cookie that carries the login form's CSRF token before there is a session (double submit). */
  static final String LOGIN_COOKIE = "portcullis_login";

  public HttpApi(Store store, ServerConfig config, Intake intake, Metrics metrics, ServerLog log, Map<String, RegistryOptions> registryOptions,
      Governance governance, boolean canSign, Runnable nudge, TestResultAttester testResults, Authentication auth, Auditor auditor,
      Optional<TlsKeys> tls, Directory directory) {
    this.auth = auth;
    this.auditor = auditor;
    this.secureCookies = tls.isPresent();
    this.testResults = testResults;
    this.governance = governance;
    this.directory = new DirectoryApi(directory, nudge);
    this.dashboard = new Dashboard(store, directory);
    this.admission = new AdmissionApi(config.admission(), store, new dev.portcullis.server.admission.StoredEvidence(store,
        config.registries()), store.clock());
    this.hosts = new HostsApi(store, store.clock());
    this.behaviour = new BehaviourApi(store, store.clock());
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
      c.http.maxRequestSize = Math.max(Math.max(MAX_REPORT, config.maxNotificationBytes()), config.admission().maxRequestBytes());
      c.http.prefer405over404 = true;
      c.jetty.modifyHttpConfiguration(h -> {
        h.setRequestHeaderSize(16 * 1024);
        h.setSendServerVersion(false);
      });
      // with TLS the one connector speaks HTTPS (Javalin adds its plain connector only when there is none)
      tls.ifPresent(keys -> c.jetty.addConnector((server, http) -> {
        org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        ssl.setKeyStore(keys.store());
        ssl.setKeyStorePassword(new String(keys.password()));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration(http);
        https.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer());
        org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
            new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"), new org.eclipse.jetty.server.HttpConnectionFactory(https));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        return connector;
      }));
      for (Operation op : operations) {
        c.routes.addHttpHandler(HandlerType.findOrCreate(op.method()), op.path(), ctx -> serve(op, ctx));
      }
      c.routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
      c.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
      // a page's filter that is not valid (the pages refuse them, never ignore them)
      c.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, "BAD_REQUEST", Request.firstLine(e.getMessage())));
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

  /** What the directory operations (users, tokens, audit, exceptions, policies) and the dashboard work on. */
  public record Directory(dev.portcullis.server.auth.Users users, dev.portcullis.server.auth.Tokens tokens,
      dev.portcullis.server.audit.AuditLog audit, dev.portcullis.server.governance.ServerExceptions exceptions,
      dev.portcullis.server.governance.PolicyVersions policies, List<java.security.PublicKey> auditKeys) {}

  /** The API's TLS key and certificate chain, in memory. */
  public record TlsKeys(java.security.KeyStore store, char[] password) {}

  /** Starts listening; returns the port (useful when the configuration asked for any free port). */
  public int start() {
    app.start();
    ready = true;
    for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof org.eclipse.jetty.server.ServerConnector sc) {
        return sc.getLocalPort();
      }
    }
    return app.port();
  }

  private static void error(Context ctx, int status, String code, String message) {
    securityHeaders(ctx);
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    boolean form = type.regionMatches(true, 0, Request.FORM, 0, Request.FORM.length());
    if (form && ctx.path().equals("/v1/login") && status != 403) {
      ctx.redirect("/ui/login?failed=1");
      return;
    }
    if (form || ctx.path().startsWith("/ui")) {
      String back = dev.portcullis.server.web.LoginPage.HOME;
      ctx.status(status).contentType("text/html; charset=utf-8").result(dev.portcullis.server.web.ErrorPage.render(null, status, message, back)
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    ObjectNode body = Request.JSON.createObjectNode().put("code", code).put("message", message);
    ctx.status(status).contentType("application/json").result(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The parameters' patterns, compiled once. */
  private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

  private void serve(Operation op, Context ctx) throws Exception {
    for (Operation.Param p : op.params()) {
      String value = p.in().equals("path") ? ctx.pathParam(p.name()) : ctx.queryParam(p.name());
      if (value == null) {
        if (p.required()) {
          throw new ApiException(400, "BAD_REQUEST", "parameter " + p.name() + " is missing");
        }
        continue;
      }
      if (!p.pattern().isEmpty() && !PATTERNS.computeIfAbsent(p.pattern(), Pattern::compile).matcher(value).matches()) {
        throw new ApiException(400, "BAD_REQUEST", "parameter " + p.name() + ": '" + clip(value) + "' does not match " + p.pattern());
      }
    }
    long limit = switch (op.id()) {
      case "receiveNotifications" -> config.maxNotificationBytes();
      case "attestTestResult" -> MAX_REPORT;
      case "validateAdmission", "mutateAdmission", "validateAdmissionByNamespace", "mutateAdmissionByNamespace" -> admission.maxBody();
      case "reportHost" -> HostsApi.maxBody();
      case "reportProfile", "reportViolations" -> BehaviourApi.MAX_BODY;
      default -> MAX_BODY;
    };
    Request r = new Request(ctx, limit, Identity.anonymous(ctx.ip()));
    securityHeaders(ctx);
    Optional<Authentication.Session> session = authenticate(op, r);
    session.ifPresent(x -> r.csrf(x.csrf()));
    if (!op.documented() && !r.identity().authenticated() && !(op.guard() instanceof Guard.Public)) {
      // a page asked for without a session: the login page, then back here
      String back = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      ctx.redirect("/ui/login?next=" + java.net.URLEncoder.encode(back, StandardCharsets.UTF_8));
      return;
    }
    check(op, r, session);
    try {
      op.handler().handle(r);
    } catch (ApiException e) {
      if (op.mutating()) {
        audit(op, r, e.status() == 403 || e.status() == 401 || e.status() == 429 ? "denied" : e.status() >= 500 ? "failed" : "refused",
            r.auditReason().isEmpty() ? e.getMessage() : r.auditReason());
      }
      throw e;
    } catch (Exception e) {
      if (op.mutating()) {
        audit(op, r, "failed", "the server failed to answer");
      }
      throw e;
    }
    if (op.mutating()) {
      audit(op, r, r.auditOutcome(), r.auditReason(), r.auditWith());
    }
    if (r.isForm() && ctx.status().getCode() < 300) {
      ctx.status(303).header("Location", next(r)).result("");
    }
  }

  /** What every answer carries: no inline script or style may run, no framing, no sniffing, no referrer. */
  static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
  }

  /** Who calls: a bearer token, else a session cookie, else nobody. A token that is not valid is refused outright. */
  private Optional<Authentication.Session> authenticate(Operation op, Request r) throws IOException {
    if (op.guard() instanceof Operation.Guard.Registry) {
      return Optional.empty();
    }
    String source = r.context().ip();
    String authorization = r.header("Authorization").orElse("");
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Optional<Identity> who = auth.token(authorization.substring(7).strip(), source);
      if (who.isEmpty()) {
        audit(op, r, "denied", "an API token that is unknown, expired or revoked");
        r.context().header("WWW-Authenticate", "Bearer");
        throw new ApiException(401, "UNAUTHORIZED", "the API token is unknown, expired or revoked");
      }
      r.identity(who.get());
      return Optional.empty();
    }
    String cookie = r.context().cookie(SESSION_COOKIE);
    if (cookie != null && !cookie.isEmpty()) {
      Optional<Authentication.Session> s = auth.session(cookie, source);
      s.ifPresent(x -> r.identity(x.identity().from(source)));
      return s;
    }
    return Optional.empty();
  }

  /** The one permission check, before any handler runs; with a session, a mutating call must carry the session's CSRF token. */
  private void check(Operation op, Request r, Optional<Authentication.Session> session) throws Exception {
    switch (op.guard()) {
      case Operation.Guard.Public p -> {
        return;
      }
      case Operation.Guard.Registry g -> {
        return;
      }
      case Operation.Guard.Authenticated a -> {
        authenticated(op, r);
      }
      case Operation.Guard.Requires req -> {
        authenticated(op, r);
        List<String> repositories = req.scope().repositories(r);
        if (!Authorizer.allowed(r.identity(), req.permission(), repositories)) {
          String what = req.permission().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
          String where = req.permission().scoped()
              ? (repositories.isEmpty() ? "" : " on " + String.join(", ", repositories.stream().map(HttpApi::clip).toList()))
              : " (a grant over every repository)";
          audit(op, r, "denied", r.identity().display() + " may not " + what + where);
          throw new ApiException(403, "FORBIDDEN", r.identity().display() + " may not " + what + where);
        }
      }
    }
    if (op.mutating() && session.isPresent()) {
      Optional<String> header = r.header("X-CSRF-Token");
      String given = header.isPresent() ? header.get() : r.formControl("csrf").orElse("");
      if (!MessageDigest.isEqual(session.get().csrf().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        audit(op, r, "denied", "the CSRF token is " + (given.isEmpty() ? "missing" : "wrong"));
        throw new ApiException(403, "CSRF", "the request does not carry this session's CSRF token");
      }
    }
  }

  private void authenticated(Operation op, Request r) throws IOException {
    if (!r.identity().authenticated()) {
      if (op.mutating()) {
        audit(op, r, "denied", "no identity: neither a session nor an API token");
      }
      r.context().header("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "UNAUTHORIZED", "log in, or send an API token (Authorization: Bearer ...)");
    }
  }

  /** Where a form post goes next: a page of the dashboard, never elsewhere. */
  private static String next(Request r) throws IOException {
    return dev.portcullis.server.web.LoginPage.safeNext(r.formControl("next").orElse(dev.portcullis.server.web.LoginPage.HOME));
  }

  private void audit(Operation op, Request r, String outcome, String reason) throws IOException {
    audit(op, r, outcome, reason, c -> null);
  }

  private void audit(Operation op, Request r, String outcome, String reason, Store.Work<?> with) throws IOException {
    String target = r.auditTarget();
    if (target.isEmpty()) {
      target = String.join(" ", op.params().stream().filter(p -> p.in().equals("path")).map(p -> r.path(p.name())).toList());
    }
    auditor.record(new AuditEvent(r.identity(), op.id(), target, outcome, clip(reason, 500)), with);
  }

  static String clip(String s) {
    return clip(s, 100);
  }

  static String clip(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }

  /** Every operation of the API. */
  List<Operation> operations() {
    Map<Integer, Operation.Response> imageErrors = Map.of(400, err("a parameter is malformed"), 404, err("no such image"));
    List<Operation> ops = new ArrayList<>();
    ops.add(new Operation("GET", "/v1/images", "listImages", "Images in every registry, most recently changed first",
        List.of(stateParam("pending|scanning|passed|warned|quarantined|released"), limitParam()), Optional.empty(),
        Map.of(200, ok("the images", "ImageList"), 400, err("a parameter is malformed")), reads(Scope.NONE), true, this::listImages));
    ops.add(new Operation("GET", "/v1/images/{digest}", "getImage", "An image's state in every registry that holds it, with its history",
        List.of(digestParam()), Optional.empty(), with(imageErrors, 200, ok("the image", "ImageDetail")), reads(this::imageScope), true, this::getImage));
    ops.add(new Operation("GET", "/v1/images/{digest}/assessment", "getAssessment",
        "The last scan's full assessment, its risk report and the decision of every stage",
        List.of(digestParam(), new Operation.Param("registry", "query", false, "which registry's scan (default: the first)", "[a-z0-9][a-z0-9._-]{0,62}")),
        Optional.empty(), with(imageErrors, 200, ok("the stored assessment", "StoredAssessment")), reads(this::imageScope), true, this::getAssessment));
    ops.add(new Operation("POST", "/v1/scans", "requestScan", "Queue a scan of an image in a configured registry (once per digest)",
        List.of(), Optional.of(new Operation.Body("application/json", "ScanRequest")),
        Map.of(202, ok("queued, or already known", "ScanAccepted"), 400, err("the request is malformed"),
            404, err("no such registry, or no such tag"), 502, err("the registry could not be asked")), requires(Permission.SCAN, r -> List.of(r.jsonObject().path("repository").asText(""))), true, this::requestScan));
    ops.add(new Operation("POST", "/v1/notifications/{registry}", "receiveNotifications",
        "Receive a Distribution notification envelope: each manifest push queues a scan",
        List.of(new Operation.Param("registry", "path", true, "the configured registry that sends", "[a-z0-9][a-z0-9._-]{0,62}")),
        Optional.of(new Operation.Body(Notifications.MEDIA_TYPE, "Envelope")),
        Map.of(200, ok("the events were read", "NotificationResult"), 400, err("not an envelope"), 401, err("the shared secret is wrong or missing"),
            404, err("no such registry"), 413, err("the envelope is too large"), 415, err("not a notification envelope's media type")), new Guard.Registry(), true,
        this::notifications));
    ops.add(new Operation("GET", "/v1/jobs", "listJobs", "Jobs in the queue, most recently changed first",
        List.of(stateParam("queued|running|done|dead"), limitParam()), Optional.empty(),
        Map.of(200, ok("the jobs", "JobList"), 400, err("a parameter is malformed")), reads(Scope.NONE), true, this::listJobs));
    ops.add(new Operation("POST", "/v1/jobs/{id}/retry", "retryJob", "Queue a dead or done job again",
        List.of(new Operation.Param("id", "path", true, "the job's id", "[0-9a-f-]{36}")), Optional.empty(),
        Map.of(200, ok("queued again", "Job"), 400, err("a parameter is malformed"), 404, err("no dead or done job with this id")), requires(Permission.MANAGE_REGISTRIES, Scope.NONE), true, this::retryJob));
    ops.add(new Operation("POST", "/v1/images/{digest}/test-results", "attestTestResult",
        "Attest a JUnit XML report (Maven Surefire and the like) as an in-toto test-result attestation signed with the server's key",
        List.of(digestParam(), new Operation.Param("registry", "query", true, "the registry that holds the image", "[a-z0-9][a-z0-9._-]{0,62}"),
            new Operation.Param("repository", "query", true, "the image's repository", ImageRef.REPOSITORY_PATTERN)),
        Optional.of(new Operation.Body("application/xml", "JUnitReport")),
        Map.of(201, ok("attested", "TestResultAttested"), 400, err("not a JUnit report, or a parameter is malformed"), 404, err("no such registry"),
            409, err("the server has no signing key"), 413, err("the report is larger than 16 MiB"), 415, err("not XML"),
            502, err("the registry could not be written")), requires(Permission.ATTEST, r -> List.of(r.query("repository").orElse(""))), true, this::attestTestResult));
    Operation.Param promotionId = new Operation.Param("id", "path", true, "the promotion's id", "[0-9a-f-]{36}");
    ops.add(new Operation("POST", "/v1/promotions", "requestPromotion",
        "Promote an image to another repository or registry for a stage: the stage's gate, then the copy with its signatures, "
            + "verified, attested and tagged last (queued; waits for an approver when the stage requires one)",
        List.of(), Optional.of(new Operation.Body("application/json", "PromotionRequest")),
        Map.of(202, ok("recorded", "Promotion"), 400, err("the request is malformed, or the policy has no such stage"),
            404, err("no such registry"), 409, err("the server has no signing key for the promotion attestation")), requires(Permission.REQUEST_PROMOTION, this::promotionRequestScope), true, this::requestPromotion));
    ops.add(new Operation("GET", "/v1/promotions", "listPromotions", "Promotions, newest first",
        List.of(new Operation.Param("state", "query", false, "only in this state", "awaiting-approval|queued|promoted|refused|failed|rejected"),
            limitParam()), Optional.empty(), Map.of(200, ok("the promotions", "PromotionList"), 400, err("a parameter is malformed")), reads(Scope.NONE), true,
        this::listPromotions));
    ops.add(new Operation("GET", "/v1/promotions/{id}", "getPromotion", "One promotion and its outcome", List.of(promotionId), Optional.empty(),
        Map.of(200, ok("the promotion", "Promotion"), 400, err("a parameter is malformed"), 404, err("no such promotion")), reads(this::promotionScope), true, this::getPromotion));
    ops.add(new Operation("POST", "/v1/promotions/{id}/approve", "approvePromotion",
        "Approve a promotion that waits for approval; the approver must not be its requester", List.of(promotionId),
        Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("approved and queued", "Promotion"), 400, err("the request is malformed"), 403, err("the requester cannot approve"),
            404, err("no such promotion"), 409, err("the promotion does not wait for approval")), requires(Permission.APPROVE_PROMOTION, this::promotionScope), true, this::approvePromotion));
    Operation.Param releaseId = new Operation.Param("id", "path", true, "the release request's id", "[0-9a-f-]{36}");
    ops.add(new Operation("POST", "/v1/releases", "requestRelease",
        "Ask for the release of a quarantined image, with a justification; it takes effect when someone else approves",
        List.of(), Optional.of(new Operation.Body("application/json", "ReleaseRequest")),
        Map.of(202, ok("recorded, awaiting approval", "Release"), 400, err("the request is malformed"), 404, err("no such image"),
            409, err("the image is not quarantined")), requires(Permission.REQUEST_RELEASE, this::releaseRequestScope), true, this::requestRelease));
    ops.add(new Operation("POST", "/v1/releases/{id}/approve", "approveRelease",
        "Approve a release: the image becomes released (the pull gate lets it through); the approver must not be the requester",
        List.of(releaseId), Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("released", "Release"), 400, err("the request is malformed"), 403, err("the requester cannot approve"),
            404, err("no such release request"), 409, err("not awaiting approval, or the image is no longer quarantined")), requires(Permission.DECIDE_RELEASE, this::releaseScope), true, this::approveRelease));
    ops.add(new Operation("GET", "/v1/releases/{id}", "getRelease", "One release request", List.of(releaseId), Optional.empty(),
        Map.of(200, ok("the release request", "Release"), 400, err("a parameter is malformed"), 404, err("no such release request")), reads(this::releaseScope), true,
        this::getRelease));
    ops.add(new Operation("POST", "/v1/promotions/{id}/reject", "rejectPromotion",
        "Reject a promotion that waits for approval; the rejecter must not be its requester", List.of(promotionId),
        Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("rejected", "Promotion"), 400, err("the request is malformed"), 403, err("the requester cannot reject"),
            404, err("no such promotion"), 409, err("the promotion does not wait for approval")),
        requires(Permission.APPROVE_PROMOTION, this::promotionScope), true, this::rejectPromotion));
    ops.add(new Operation("GET", "/v1/releases", "listReleases", "Release requests, newest first",
        List.of(new Operation.Param("state", "query", false, "only in this state", "awaiting-approval|released|rejected"), limitParam()),
        Optional.empty(), Map.of(200, ok("the release requests", "ReleaseList"), 400, err("a parameter is malformed")), reads(Scope.NONE), true,
        this::listReleases));
    ops.add(new Operation("POST", "/v1/releases/{id}/reject", "rejectRelease",
        "Reject a release request: the image stays quarantined; the rejecter must not be the requester", List.of(releaseId),
        Optional.of(new Operation.Body("application/json", "Approval")),
        Map.of(200, ok("rejected", "Release"), 400, err("the request is malformed"), 403, err("the requester cannot reject"),
            404, err("no such release request"), 409, err("not awaiting approval")), requires(Permission.DECIDE_RELEASE, this::releaseScope), true,
        this::rejectRelease));
    ops.add(new Operation("POST", "/v1/login", "login",
        "Log in with a name and password: sets the session cookie (HttpOnly, SameSite=Strict) and answers the session's CSRF token",
        List.of(), Optional.of(new Operation.Body("application/json", "Login")),
        Map.of(200, ok("logged in", "Session"), 400, err("the request is malformed"), 401, err("wrong name or password"),
            403, err("a login form without its CSRF token"),
            429, err("too many attempts from this address")), new Guard.Public(), true, this::login));
    ops.add(new Operation("POST", "/v1/logout", "logout", "End this session: its cookie no longer works", List.of(), Optional.empty(),
        Map.of(204, new Operation.Response("logged out", ""), 401, err("not logged in")), new Guard.Authenticated(), true, this::logout));
    ops.add(new Operation("GET", "/v1/me", "whoAmI", "The caller's identity and grants", List.of(), Optional.empty(),
        Map.of(200, ok("who calls", "Me"), 401, err("not logged in")), new Guard.Authenticated(), true, this::whoAmI));
    ops.add(new Operation("GET", "/healthz", "health", "Whether the process is alive", List.of(), Optional.empty(),
        Map.of(200, ok("alive", "Health")), new Guard.Public(), true, r -> r.json(200, Request.JSON.createObjectNode().put("status", "ok"))));
    ops.add(new Operation("GET", "/readyz", "readiness", "Whether the server can take work (its database answers)", List.of(), Optional.empty(),
        Map.of(200, ok("ready", "Health"), 503, ok("not ready", "Health")), new Guard.Public(), true, this::readiness));
    ops.add(new Operation("GET", "/metrics", "metrics", "Prometheus metrics (text exposition format)", List.of(), Optional.empty(),
        Map.of(200, new Operation.Response("the metrics", "")), new Guard.Public(), true, this::metricsText));
    ops.addAll(directory.operations());
    ops.addAll(admission.operations());
    ops.addAll(hosts.operations());
    ops.addAll(behaviour.operations());
    ops.addAll(dashboard.operations(this::imageScope));
    return List.copyOf(ops);
  }

  static Guard reads(Scope scope) {
    return new Guard.Requires(Permission.READ, scope);
  }

  static Guard requires(Permission p, Scope scope) {
    return new Guard.Requires(p, scope);
  }

  /** The repositories that hold an image (unknown: none, and the handler answers 404). */
  private List<String> imageScope(Request r) throws IOException {
    return repositoriesOf(r.path("digest"), null);
  }

  private List<String> repositoriesOf(String digest, @Nullable String registry) throws IOException {
    java.util.Set<String> repositories = new java.util.TreeSet<>();
    for (ImageStates.Image i : store.images().byDigest(digest)) {
      if (registry == null || registry.equals(i.registry())) {
        repositories.add(i.repository());
        store.images().names(i.registry(), digest).forEach(n -> repositories.add(n.repository()));
      }
    }
    return List.copyOf(repositories);
  }

  private List<String> promotionRequestScope(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    return java.util.stream.Stream.of(body.path("sourceRepository").asText(""), body.path("destinationRepository").asText("")).distinct()
        .toList();
  }

  private List<String> promotionScope(Request r) throws IOException {
    return store.promotions().get(r.path("id")).map(p -> java.util.stream.Stream.of(p.sourceRepository(), p.destinationRepository())
        .distinct().toList()).orElse(List.of());
  }

  private List<String> releaseRequestScope(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    List<String> repositories = repositoriesOf(body.path("digest").asText(""), body.path("registry").asText(""));
    // an image the server does not know is checked as one in no repository: only a grant over all of them may ask about it
    return repositories.isEmpty() ? List.of(Grant.EVERYWHERE) : repositories;
  }

  private List<String> releaseScope(Request r) throws IOException {
    Optional<Releases.Release> x = store.releases().get(r.path("id"));
    return x.isEmpty() ? List.of() : repositoriesOf(x.get().digest(), x.get().registry());
  }

  private static Map<Integer, Operation.Response> with(Map<Integer, Operation.Response> m, int status, Operation.Response r) {
    Map<Integer, Operation.Response> copy = new LinkedHashMap<>(m);
    copy.put(status, r);
    return copy;
  }

  static Operation.Response ok(String description, String schema) {
    return new Operation.Response(description, schema);
  }

  static Operation.Response err(String description) {
    return new Operation.Response(description, "Error");
  }

  private static Operation.Param digestParam() {
    return new Operation.Param("digest", "path", true, "the manifest digest", DIGEST);
  }

  private static Operation.Param stateParam(String states) {
    return new Operation.Param("state", "query", false, "only in this state", states);
  }

  static Operation.Param limitParam() {
    return new Operation.Param("limit", "query", false, "at most this many (1 to " + MAX_LIST + ", default 100)", "[1-9][0-9]{0,2}|1000");
  }

  static int limit(Request r) {
    return r.query("limit").map(Integer::parseInt).orElse(100);
  }

  static String time(long millis) {
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
    store.images().list(state, limit(r)).stream().filter(i -> Authorizer.visible(r.identity(), i.repository())).forEach(i -> list.add(image(i)));
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
    r.auditTarget(registry.name() + "/" + repository + "@" + digest);
    Intake.Outcome outcome = intake.announce(registry.name(), repository, digest, tag, r.identity().principal(),
        "scan requested through the API by " + r.identity().display());
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
    store.jobs().list(state, limit(r)).stream().filter(j -> Authorizer.visible(r.identity(), j.repository())).forEach(j -> list.add(job(j)));
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

  static String field(JsonNode body, String name, Pattern pattern) {
    JsonNode v = body.get(name);
    if (v == null || !v.isTextual() || !pattern.matcher(v.asText()).matches()) {
      throw new ApiException(400, "BAD_REQUEST", name + (v == null ? " is missing" : ": '" + clip(v.asText()) + "' is not valid"));
    }
    return v.asText();
  }

  static void onlyFields(JsonNode body, List<String> allowed) {
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
        "destinationTag", "stage", "allowRetag"));
    String sourceRegistry = configured(field(body, "sourceRegistry", Pattern.compile(".{1,63}"))).name();
    String sourceRepository = field(body, "sourceRepository", REPOSITORY);
    String sourceReference = field(body, "sourceReference", Pattern.compile(TAG.pattern() + "|" + DIGEST));
    String destinationRegistry = configured(field(body, "destinationRegistry", Pattern.compile(".{1,63}"))).name();
    String destinationRepository = field(body, "destinationRepository", REPOSITORY);
    String destinationTag = field(body, "destinationTag", TAG);
    String stage = field(body, "stage", Pattern.compile(".{1,200}"));
    String requester = r.identity().principal();
    if (body.has("allowRetag") && !body.get("allowRetag").isBoolean()) {
      throw new ApiException(400, "BAD_REQUEST", "allowRetag must be true or false");
    }
    Policy policy = governance.policy();
    if (policy.stage(stage).isEmpty()) {
      throw new ApiException(400, "BAD_REQUEST", "the policy " + policy.name() + " has no stage " + clip(stage) + " ("
          + String.join(", ", policy.stageNames()) + ")");
    }
    if (!canSign) {
      throw new ApiException(409, "NO_SIGNING_KEY", "the server has no signing key (signing.key) to attest promotions with");
    }
    long now = store.clock().millis();
    Promotions.State state = config.approvalRequired().contains(stage) ? Promotions.State.AWAITING_APPROVAL : Promotions.State.QUEUED;
    r.auditTarget(sourceRegistry + "/" + sourceRepository + ":" + sourceReference + " -> " + destinationRegistry + "/" + destinationRepository
        + ":" + destinationTag);
    Promotions.Promotion p = store.promotions().create(new Promotions.Promotion(Promotions.newId(), sourceRegistry, sourceRepository,
        sourceReference, destinationRegistry, destinationRepository, destinationTag, stage, requester, null,
        body.path("allowRetag").asBoolean(false), state, null, null, now, now));
    log.info("promotion " + p.id() + " of " + sourceRegistry + "/" + sourceRepository + " " + sourceReference + " to " + destinationRegistry
        + "/" + destinationRepository + ":" + destinationTag + " for " + stage + " requested by " + requester + ": " + state.label());
    nudge.run();
    r.json(202, promotion(p));
  }

  private void approvePromotion(Request r) throws IOException {
    String reason = decisionReason(r);
    String approver = r.identity().principal();
    String id = r.path("id");
    r.auditTarget("promotion:" + id);
    Promotions.Promotion p = store.promotions().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no promotion " + id));
    if (p.requester().equals(approver)) {
      throw new ApiException(403, "SELF_APPROVAL", r.identity().display() + " requested this promotion and cannot approve it too");
    }
    r.auditReason(reason);
    Promotions.Promotion after = store.promotions().approve(id, approver).orElseThrow();
    if (after.state() != Promotions.State.QUEUED || !approver.equals(after.approver())) {
      throw new ApiException(409, "NOT_AWAITING_APPROVAL", "promotion " + id + " is " + after.state().label() + ", not awaiting approval");
    }
    log.info("promotion " + id + " approved by " + approver);
    nudge.run();
    r.json(200, promotion(after));
  }

  /** The optional {@code reason} of an approval or rejection (an empty body is none). */
  static String decisionReason(Request r) throws IOException {
    if (r.body().length == 0) {
      return "";
    }
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("reason"));
    return body.has("reason") ? field(body, "reason", Pattern.compile("(?s)\\S.{0,1999}")) : "";
  }

  private void getPromotion(Request r) throws IOException {
    String id = r.path("id");
    r.json(200, promotion(store.promotions().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no promotion " + id))));
  }

  private void listPromotions(Request r) throws IOException {
    Promotions.State state = r.query("state").map(Promotions.State::parse).orElse(null);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("promotions");
    store.promotions().list(state, limit(r)).stream().filter(p -> Authorizer.visible(r.identity(), p.sourceRepository()))
        .forEach(p -> list.add(promotion(p)));
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
    onlyFields(body, List.of("registry", "digest", "justification"));
    String registry = configured(field(body, "registry", Pattern.compile(".{1,63}"))).name();
    String digest = field(body, "digest", Pattern.compile(DIGEST));
    // the request's record names the image (as the release's own image.released record does), even when it is refused
    r.auditTarget(registry + "@" + digest);
    String requester = r.identity().principal();
    String justification = field(body, "justification", Pattern.compile("(?s)\\S.{9,1999}"));
    Releases.Outcome o = store.releases().request(registry, digest, requester, justification);
    released(r, o, 202);
    log.info("release of " + digest + " in " + registry + " requested by " + requester);
  }

  private void approveRelease(Request r) throws IOException {
    r.auditReason(decisionReason(r));
    r.auditTarget("release:" + r.path("id"));
    String approver = r.identity().principal();
    Releases.Outcome o = store.releases().approve(r.path("id"), approver);
    released(r, o, 200);
    log.info("release " + r.path("id") + " approved by " + approver);
  }

  private void rejectPromotion(Request r) throws IOException {
    String reason = decisionReason(r);
    String id = r.path("id");
    r.auditTarget("promotion:" + id);
    Promotions.Promotion p = store.promotions().get(id).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no promotion " + id));
    if (p.requester().equals(r.identity().principal())) {
      throw new ApiException(403, "SELF_APPROVAL", r.identity().display() + " requested this promotion and cannot decide on it too");
    }
    Promotions.Promotion after = store.promotions().reject(id, r.identity().principal(), reason).orElseThrow();
    if (after.state() != Promotions.State.REJECTED) {
      throw new ApiException(409, "NOT_AWAITING_APPROVAL", "promotion " + id + " is " + after.state().label() + ", not awaiting approval");
    }
    r.auditReason(reason);
    log.info("promotion " + id + " rejected by " + r.identity().display());
    r.json(200, promotion(after));
  }

  private void listReleases(Request r) throws IOException {
    Releases.State state = r.query("state").map(x -> Releases.State.valueOf(x.toUpperCase(java.util.Locale.ROOT).replace('-', '_')))
        .orElse(null);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("releases");
    for (Releases.Release x : store.releases().list(state, limit(r))) {
      if (repositoriesOf(x.digest(), x.registry()).stream().anyMatch(repo -> Authorizer.visible(r.identity(), repo))) {
        list.add(release(x));
      }
    }
    r.json(200, body);
  }

  private void rejectRelease(Request r) throws IOException {
    r.auditReason(decisionReason(r));
    r.auditTarget("release:" + r.path("id"));
    Releases.Outcome o = store.releases().reject(r.path("id"), r.identity().principal());
    released(r, o, 200);
    log.info("release " + r.path("id") + " rejected by " + r.identity().display());
  }

  private void login(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    if (r.isForm()) {
      // a login form carries the token of its pre-session cookie (double submit), so another site cannot log a browser in
      String expected = r.context().cookie(LOGIN_COOKIE);
      String given = r.formControl("csrf").orElse("");
      if (expected == null || expected.isEmpty()
          || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        throw new ApiException(403, "CSRF", "the login form does not carry its CSRF token; reload the login page");
      }
    }
    onlyFields(body, List.of("name", "password"));
    String name = body.path("name").asText("");
    String password = body.path("password").asText("");
    r.auditTarget("user:" + clip(name, 64));
    if (name.isEmpty() || password.isEmpty()) {
      throw new ApiException(400, "BAD_REQUEST", "give a name and a password");
    }
    switch (auth.login(name, password, r.context().ip())) {
      case Authentication.Login.Refused no -> {
        r.auditReason("login refused: " + no.why());
        throw new ApiException(no.status(), no.code(), no.message());
      }
      case Authentication.Login.Success yes -> {
        r.identity(yes.identity());
        long maxAge = Math.max(0, java.time.Duration.between(store.clock().instant(), yes.expires()).toSeconds());
        r.context().res().addHeader("Set-Cookie", SESSION_COOKIE + "=" + yes.cookie() + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : ""));
        r.context().res().addHeader("Set-Cookie", LOGIN_COOKIE + "=; Path=/v1/login; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : ""));
        r.json(200, Request.JSON.createObjectNode().put("name", yes.identity().name()).put("csrf", yes.csrf())
            .put("expiresAt", yes.expires().toString()));
      }
    }
  }

  private void logout(Request r) throws IOException {
    String cookie = r.context().cookie(SESSION_COOKIE);
    if (cookie != null && !cookie.isEmpty()) {
      auth.logout(cookie);
    }
    r.context().res().addHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : ""));
    r.context().status(204);
  }

  private void whoAmI(Request r) {
    Identity who = r.identity();
    ObjectNode body = Request.JSON.createObjectNode().put("id", who.id()).put("name", who.name())
        .put("kind", who.kind().name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode grants = body.putArray("grants");
    who.grants().forEach(g -> grants.add(g.toString()));
    r.json(200, body);
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
