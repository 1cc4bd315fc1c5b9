package dev.portcullis.server.api;

import static dev.portcullis.server.api.HttpApi.err;
import static dev.portcullis.server.api.HttpApi.field;
import static dev.portcullis.server.api.HttpApi.limit;
import static dev.portcullis.server.api.HttpApi.limitParam;
import static dev.portcullis.server.api.HttpApi.ok;
import static dev.portcullis.server.api.HttpApi.onlyFields;
import static dev.portcullis.server.api.HttpApi.reads;
import static dev.portcullis.server.api.HttpApi.requires;
import static dev.portcullis.server.api.HttpApi.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.server.api.Operation.Guard;
import dev.portcullis.server.api.Operation.Scope;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.audit.AuditRecord;
import dev.portcullis.server.audit.Verification;
import dev.portcullis.server.auth.Authorizer;
import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.auth.Tokens;
import dev.portcullis.server.auth.Users;
import dev.portcullis.server.governance.PolicyVersions;
import dev.portcullis.server.governance.ServerExceptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The operations on who may do what and on what was decided: users, API tokens, the audit trail,
 * exceptions and policy versions. Every decision is taken on the authenticated caller, never on a
 * name in the body.
 */
final class DirectoryApi {
  private static final Pattern USER = Users.NAME;
  private static final Pattern TEXT = Pattern.compile("(?s)\\S.{0,3999}");
  private static final Pattern LINE = Pattern.compile("[^\\p{Cntrl}]{1,200}");
  private static final String ID = "[0-9A-Za-z_-]{1,64}";

  private final HttpApi.Directory directory;
  private final Runnable decided;

  /**
   * @param decided called after a change that may alter decisions (an exception approved, a policy activated)
   */
  DirectoryApi(HttpApi.Directory directory, Runnable decided) {
    this.directory = directory;
    this.decided = decided;
  }

  List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Operation.Param user = new Operation.Param("name", "path", true, "the user's name", USER.pattern());
    Guard users = requires(Permission.MANAGE_USERS, Scope.NONE);
    ops.add(new Operation("GET", "/v1/users", "listUsers", "Users with their grants and lock state", List.of(), Optional.empty(),
        Map.of(200, ok("the users", "UserList")), users, true, this::listUsers));
    ops.add(new Operation("POST", "/v1/users", "createUser", "Create a local user (password hashed with Argon2id)", List.of(),
        Optional.of(new Operation.Body("application/json", "NewUser")),
        Map.of(201, ok("created", "User"), 400, err("the request is malformed, or the password too short"), 409, err("the user exists")), users,
        true, this::createUser));
    ops.add(new Operation("POST", "/v1/users/{name}/grants", "setGrants", "Replace a user's grants", List.of(user),
        Optional.of(new Operation.Body("application/json", "Grants")),
        Map.of(200, ok("changed", "User"), 400, err("the request is malformed"), 404, err("no such user")), users, true, this::setGrants));
    ops.add(new Operation("POST", "/v1/users/{name}/password", "setPassword", "Set a user's password; ends the user's sessions",
        List.of(user), Optional.of(new Operation.Body("application/json", "Password")),
        Map.of(200, ok("changed", "User"), 400, err("the password is too short"), 404, err("no such user")), users, true, this::setPassword));
    for (String change : List.of("disable", "enable", "unlock")) {
      ops.add(new Operation("POST", "/v1/users/{name}/" + change, change + "User", switch (change) {
        case "disable" -> "Disable a user: their sessions end, their tokens stop working";
        case "enable" -> "Enable a disabled user";
        default -> "Lift a lockout after repeated failed logins";
      }, List.of(user), Optional.empty(), Map.of(200, ok("changed", "User"), 404, err("no such user")), users, true, r -> changeUser(r, change)));
    }
    Guard tokens = requires(Permission.MANAGE_TOKENS, Scope.NONE);
    ops.add(new Operation("GET", "/v1/tokens", "listTokens", "API tokens (never their secrets)", List.of(), Optional.empty(),
        Map.of(200, ok("the tokens", "TokenList")), tokens, true, this::listTokens));
    ops.add(new Operation("POST", "/v1/tokens", "createToken",
        "Create an API token for a machine or on behalf of a user, scoped to roles and repositories, expiring; the secret is shown once",
        List.of(), Optional.of(new Operation.Body("application/json", "NewToken")),
        Map.of(201, ok("created", "CreatedToken"), 400, err("the request is malformed"), 404, err("no such owner"), 409,
            err("the owner is disabled")), tokens, true, this::createToken));
    ops.add(new Operation("POST", "/v1/tokens/{id}/revoke", "revokeToken", "Revoke an API token: it stops working at once",
        List.of(new Operation.Param("id", "path", true, "the token's id", ID)), Optional.empty(),
        Map.of(200, ok("revoked", "Token"), 404, err("no such token")), tokens, true, this::revokeToken));
    Guard audit = requires(Permission.READ_AUDIT, Scope.NONE);
    ops.add(new Operation("GET", "/v1/audit", "listAudit", "Audit records, newest first",
        List.of(new Operation.Param("actor", "query", false, "the actor's id or name", "[^\\p{Cntrl}]{1,300}"),
            new Operation.Param("action", "query", false, "the action, or a prefix ending in '.'", "[^\\p{Cntrl}]{1,200}"),
            new Operation.Param("target", "query", false, "the target", "[^\\p{Cntrl}]{1,500}"),
            new Operation.Param("from", "query", false, "from this time (ISO-8601, inclusive)", "[0-9T:.Z+-]{10,40}"),
            new Operation.Param("to", "query", false, "before this time (ISO-8601)", "[0-9T:.Z+-]{10,40}"),
            new Operation.Param("before", "query", false, "only records before this sequence number", "[1-9][0-9]{0,17}"), limitParam()),
        Optional.empty(), Map.of(200, ok("the records", "AuditList"), 400, err("a parameter is malformed")), audit, true, this::listAudit));
    ops.add(new Operation("GET", "/v1/audit/verify", "verifyAudit",
        "Verify the audit chain: every hash and link, and the signed checkpoints against the server's key", List.of(), Optional.empty(),
        Map.of(200, ok("the verification", "AuditVerification")), audit, true, this::verifyAudit));
    Operation.Param exceptionId = new Operation.Param("id", "path", true, "the exception's id", "[0-9a-f-]{36}");
    ops.add(new Operation("GET", "/v1/exceptions", "listExceptions", "Exceptions, newest first",
        List.of(new Operation.Param("state", "query", false, "only in this state", "requested|approved|rejected|needs-review"), limitParam()),
        Optional.empty(), Map.of(200, ok("the exceptions", "ExceptionList"), 400, err("a parameter is malformed")), reads(Scope.NONE), true,
        this::listExceptions));
    ops.add(new Operation("GET", "/v1/exceptions/{id}", "getException", "One exception", List.of(exceptionId), Optional.empty(),
        Map.of(200, ok("the exception", "Exception"), 404, err("no such exception")), reads(this::exceptionScope), true, this::getException));
    ops.add(new Operation("POST", "/v1/exceptions", "requestException",
        "Ask for an exception (a finding, package, purl or image pattern, until a day); it applies once someone else approves it",
        List.of(), Optional.of(new Operation.Body("application/json", "ExceptionRequest")),
        Map.of(201, ok("requested", "Exception"), 400, err("the request is malformed")),
        requires(Permission.REQUEST_EXCEPTION, r -> patternScope(r.jsonObject().path("image").asText(null))), true, this::requestException));
    for (String decision : List.of("approve", "reject")) {
      ops.add(new Operation("POST", "/v1/exceptions/{id}/" + decision, decision + "Exception",
          decision.equals("approve") ? "Approve an exception; the approver must not be its requester"
              : "Reject an exception (with a reason); the rejecter must not be its requester",
          List.of(exceptionId), Optional.of(new Operation.Body("application/json", "Approval")),
          Map.of(200, ok(decision + "d", "Exception"), 400, err("the request is malformed"), 403, err("the requester cannot decide"),
              404, err("no such exception"), 409, err("not awaiting a decision, or expired")),
          requires(Permission.DECIDE_EXCEPTION, this::exceptionScope), true, r -> decideException(r, decision)));
    }
    ops.add(new Operation("POST", "/v1/exceptions/{id}/renew", "renewException",
        "Ask again for an exception that needs review, with a new last day; someone else must approve it", List.of(exceptionId),
        Optional.of(new Operation.Body("application/json", "ExceptionRenewal")),
        Map.of(200, ok("requested again", "Exception"), 400, err("the request is malformed"), 404, err("no such exception"),
            409, err("it does not need review")), requires(Permission.REQUEST_EXCEPTION, this::exceptionScope), true, this::renewException));
    Operation.Param version = new Operation.Param("version", "path", true, "the policy version", "[1-9][0-9]{0,8}");
    ops.add(new Operation("GET", "/v1/policies", "listPolicies", "Policy versions, newest first", List.of(limitParam()), Optional.empty(),
        Map.of(200, ok("the versions", "PolicyList")), reads(Scope.NONE), true, this::listPolicies));
    ops.add(new Operation("GET", "/v1/policies/{version}", "getPolicy", "One policy version with its text", List.of(version), Optional.empty(),
        Map.of(200, ok("the version", "PolicyDocument"), 404, err("no such version")), reads(Scope.NONE), true, this::getPolicy));
    ops.add(new Operation("POST", "/v1/policies", "proposePolicy",
        "Propose a new policy version (YAML text); it is checked now and applies once someone else activates it", List.of(),
        Optional.of(new Operation.Body("application/json", "PolicyProposal")),
        Map.of(201, ok("proposed", "PolicyVersion"), 400, err("the policy is not valid: every problem is listed")),
        requires(Permission.EDIT_POLICY, Scope.NONE), true, this::proposePolicy));
    for (String decision : List.of("activate", "reject")) {
      ops.add(new Operation("POST", "/v1/policies/{version}/" + decision, decision + "Policy",
          decision.equals("activate") ? "Activate a proposed policy version; the activator must not be its author"
              : "Reject a proposed policy version (with a reason); the rejecter must not be its author",
          List.of(version), Optional.of(new Operation.Body("application/json", "Approval")),
          Map.of(200, ok(decision.equals("activate") ? "activated" : "rejected", "PolicyVersion"), 400, err("the request is malformed"),
              403, err("the author cannot decide"), 404, err("no such version"), 409, err("not a proposal, or no longer valid")),
          requires(Permission.ACTIVATE_POLICY, Scope.NONE), true, r -> decidePolicy(r, decision)));
    }
    return List.copyOf(ops);
  }

  // users

  private static ObjectNode user(Users.User u, long now) {
    ObjectNode o = Request.JSON.createObjectNode().put("name", u.name());
    ArrayNode g = o.putArray("grants");
    u.grants().forEach(x -> g.add(x.toString()));
    o.put("disabled", u.disabled()).put("locked", u.lockedAt(now)).put("failedLogins", u.failedLogins()).put("createdAt", time(u.createdAt()));
    return o;
  }

  private long now() {
    return System.currentTimeMillis();
  }

  private void listUsers(Request r) throws IOException {
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("users");
    directory.users().list().forEach(u -> list.add(user(u, now())));
    r.json(200, body);
  }

  private static List<Grant> grants(JsonNode body) {
    JsonNode g = body.get("grants");
    if (g == null || !g.isArray() || g.size() > 50) {
      throw new ApiException(400, "BAD_REQUEST", "grants must be a list of at most 50 'role:pattern,pattern' texts");
    }
    List<Grant> out = new ArrayList<>();
    for (JsonNode x : g) {
      try {
        out.add(Grant.parse(x.asText()));
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "BAD_REQUEST", "grant '" + HttpApi.clip(x.asText()) + "': " + e.getMessage());
      }
    }
    return out;
  }

  /** A form sends grants as one text, one grant per line or separated by spaces. */
  private static JsonNode withGrantList(JsonNode body) {
    if (body.has("grants") && body.get("grants").isTextual()) {
      ObjectNode copy = body.deepCopy();
      ArrayNode list = copy.putArray("grants");
      for (String g : body.get("grants").asText().trim().split("\\s+")) {
        if (!g.isEmpty()) {
          list.add(g);
        }
      }
      return copy;
    }
    return body;
  }

  private void createUser(Request r) throws IOException {
    JsonNode body = withGrantList(r.jsonObject());
    onlyFields(body, List.of("name", "password", "grants"));
    String name = field(body, "name", USER);
    r.auditTarget("user:" + name);
    String password = body.path("password").asText("");
    List<Grant> grants = grants(body);
    try {
      Users.User u = directory.users().create(name, password, grants);
      r.auditReason("grants " + grants);
      r.json(201, user(u, now()));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", e.getMessage());
    } catch (IllegalStateException e) {
      throw new ApiException(409, "CONFLICT", e.getMessage());
    }
  }

  private void setGrants(Request r) throws IOException {
    JsonNode body = withGrantList(r.jsonObject());
    onlyFields(body, List.of("grants"));
    List<Grant> grants = grants(body);
    r.auditTarget("user:" + r.path("name"));
    r.auditReason("grants " + grants);
    r.json(200, user(userChange(() -> directory.users().setGrants(r.path("name"), grants)), now()));
  }

  private void setPassword(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("password"));
    r.auditTarget("user:" + r.path("name"));
    String password = body.path("password").asText("");
    r.json(200, user(userChange(() -> directory.users().setPassword(r.path("name"), password)), now()));
  }

  private void changeUser(Request r, String change) throws IOException {
    String name = r.path("name");
    r.auditTarget("user:" + name);
    r.json(200, user(userChange(() -> switch (change) {
      case "disable" -> directory.users().disable(name);
      case "enable" -> directory.users().enable(name);
      default -> directory.users().unlock(name);
    }), now()));
  }

  @FunctionalInterface
  private interface UserChange {
    Users.User run() throws IOException;
  }

  private static Users.User userChange(UserChange change) throws IOException {
    try {
      return change.run();
    } catch (NoSuchElementException e) {
      throw new ApiException(404, "NOT_FOUND", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", e.getMessage());
    }
  }

  // tokens

  private static ObjectNode token(Tokens.Token t) {
    ObjectNode o = Request.JSON.createObjectNode().put("id", t.id()).put("name", t.name()).put("owner", t.owner());
    ArrayNode g = o.putArray("grants");
    t.grants().forEach(x -> g.add(x.toString()));
    o.put("createdAt", time(t.createdAt())).put("expiresAt", time(t.expiresAt()));
    if (t.revokedAt() == 0) {
      o.putNull("revokedAt");
    } else {
      o.put("revokedAt", time(t.revokedAt()));
    }
    if (t.lastUsedAt() == 0) {
      o.putNull("lastUsedAt");
    } else {
      o.put("lastUsedAt", time(t.lastUsedAt()));
    }
    return o;
  }

  private void listTokens(Request r) throws IOException {
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("tokens");
    directory.tokens().list().forEach(t -> list.add(token(t)));
    r.json(200, body);
  }

  private void createToken(Request r) throws IOException {
    JsonNode body = withGrantList(r.jsonObject());
    onlyFields(body, List.of("name", "owner", "grants", "expiresInDays"));
    String name = field(body, "name", LINE);
    String owner = body.path("owner").asText("");
    if (!owner.isEmpty() && !USER.matcher(owner).matches()) {
      throw new ApiException(400, "BAD_REQUEST", "owner: '" + HttpApi.clip(owner) + "' is not a user name");
    }
    if (!owner.isEmpty() && directory.users().get(owner).isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "no user " + owner);
    }
    long days = body.path("expiresInDays").asLong(90);
    if (days < 1 || days > Tokens.DEFAULT_MAX_LIFETIME.toDays()) {
      throw new ApiException(400, "BAD_REQUEST", "expiresInDays must be from 1 to " + Tokens.DEFAULT_MAX_LIFETIME.toDays());
    }
    List<Grant> grants = grants(body);
    Tokens.Created created;
    try {
      created = directory.tokens().create(name, owner, grants, Instant.now().plus(Duration.ofDays(days)));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", e.getMessage());
    } catch (IllegalStateException e) {
      throw new ApiException(409, "CONFLICT", e.getMessage());
    }
    r.auditTarget("token:" + created.token().id());
    r.auditReason("token " + name + (owner.isEmpty() ? "" : " of " + owner) + ", grants " + grants + ", " + days + " days");
    ObjectNode out = token(created.token());
    out.put("secret", created.secret());
    r.json(201, out);
  }

  private void revokeToken(Request r) throws IOException {
    String id = r.path("id");
    r.auditTarget("token:" + id);
    if (!directory.tokens().revoke(id)) {
      throw new ApiException(404, "NOT_FOUND", "no token " + id + " that is not revoked already");
    }
    r.json(200, token(directory.tokens().get(id).orElseThrow()));
  }

  // audit

  static ObjectNode record(AuditRecord a) {
    return Request.JSON.createObjectNode().put("seq", a.seq()).put("time", a.time().toString()).put("actorId", a.actorId())
        .put("actorName", a.actorName()).put("actorKind", a.actorKind()).put("source", a.source()).put("action", a.action())
        .put("target", a.target()).put("outcome", a.outcome()).put("reason", a.reason()).put("prev", a.prev()).put("hash", a.hash());
  }

  private static @Nullable Instant instant(Request r, String name) {
    Optional<String> v = r.query(name);
    if (v.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(v.get());
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "BAD_REQUEST", name + ": '" + HttpApi.clip(v.get()) + "' is not an ISO-8601 time");
    }
  }

  private void listAudit(Request r) throws IOException {
    AuditLog.Filter f = new AuditLog.Filter(r.query("actor").orElse(null), r.query("action").orElse(null), r.query("target").orElse(null),
        instant(r, "from"), instant(r, "to"), r.query("before").map(Long::parseLong).orElse(null));
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("records");
    directory.audit().list(f, limit(r)).forEach(a -> list.add(record(a)));
    r.json(200, body);
  }

  private void verifyAudit(Request r) throws IOException {
    Verification v = directory.audit().verify(directory.auditKeys());
    ObjectNode body = Request.JSON.createObjectNode().put("summary", v.summary());
    switch (v) {
      case Verification.Verified ok -> body.put("verified", true).put("records", ok.records()).put("checkpoints", ok.checkpoints())
          .put("signedThrough", ok.signedThrough()).put("signaturesChecked", ok.signaturesChecked());
      case Verification.Broken bad -> body.put("verified", false).put("firstBadRecord", bad.seq())
          .put("tampering", bad.tampering().name().toLowerCase(java.util.Locale.ROOT)).put("reason", bad.reason());
    }
    r.json(200, body);
  }

  // exceptions

  /** An image pattern as the scope of an exception: one without any applies to every repository. */
  private static List<String> patternScope(@Nullable String image) {
    return image == null || image.isEmpty() ? List.of(Grant.EVERYWHERE) : List.of(image);
  }

  private List<String> exceptionScope(Request r) throws IOException {
    return directory.exceptions().get(r.path("id")).map(e -> patternScope(e.image())).orElse(List.of());
  }

  static ObjectNode exception(ServerExceptions.Entry e) {
    ObjectNode o = Request.JSON.createObjectNode().put("id", e.id()).put("name", e.name());
    o.put("finding", e.finding()).put("package", e.packageName()).put("purl", e.purl()).put("image", e.image());
    ArrayNode stages = o.putArray("stages");
    e.stages().forEach(stages::add);
    o.put("justification", e.justification()).put("owner", e.owner()).put("expires", e.expires().toString())
        .put("requester", e.requester()).put("requesterName", e.requesterName()).put("approver", e.approver())
        .put("approverName", e.approverName()).put("reason", e.reason()).put("state", e.state().label()).put("source", e.source())
        .put("createdAt", time(e.createdAt())).put("updatedAt", time(e.updatedAt()));
    return o;
  }

  private void listExceptions(Request r) throws IOException {
    Optional<ServerExceptions.State> state = r.query("state").flatMap(ServerExceptions.State::parse);
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("exceptions");
    for (ServerExceptions.Entry e : directory.exceptions().list(state, limit(r))) {
      if (Authorizer.allowed(r.identity(), Permission.READ, patternScope(e.image()))) {
        list.add(exception(e));
      }
    }
    r.json(200, body);
  }

  private void getException(Request r) throws IOException {
    r.json(200, exception(directory.exceptions().get(r.path("id"))
        .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no exception " + r.path("id")))));
  }

  private static @Nullable String text(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ApiException(400, "BAD_REQUEST", name + " must be a text");
    }
    return v.asText();
  }

  private static LocalDate day(JsonNode body, String name) {
    String v = text(body, name);
    if (v == null) {
      throw new ApiException(400, "BAD_REQUEST", name + " is missing (the last day it applies, YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "BAD_REQUEST", name + ": '" + HttpApi.clip(v) + "' is not a day (YYYY-MM-DD)");
    }
  }

  private void requestException(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("name", "finding", "package", "purl", "image", "stages", "justification", "owner", "expires"));
    List<String> stages = new ArrayList<>();
    JsonNode st = body.get("stages");
    if (st != null && st.isArray()) {
      st.forEach(x -> stages.add(x.asText()));
    } else if (st != null && st.isTextual()) {
      for (String s : st.asText().split("[,\\s]+")) {
        if (!s.isEmpty()) {
          stages.add(s);
        }
      }
    } else if (st != null && !st.isNull()) {
      throw new ApiException(400, "BAD_REQUEST", "stages must be a list of stage names");
    }
    ServerExceptions.Entry e;
    try {
      String owner = text(body, "owner");
      e = directory.exceptions().request(r.identity(), new ServerExceptions.Request(text(body, "name"), text(body, "finding"),
          text(body, "package"), text(body, "purl"), text(body, "image"), stages, Optional.ofNullable(text(body, "justification")).orElse(""),
          owner == null ? r.identity().name() : owner, day(body, "expires")));
    } catch (IllegalArgumentException x) {
      throw new ApiException(400, "BAD_REQUEST", x.getMessage());
    }
    r.auditTarget("exception:" + e.id());
    r.json(201, exception(e));
  }

  private void decideException(Request r, String decision) throws IOException {
    String reason = HttpApi.decisionReason(r);
    r.auditTarget("exception:" + r.path("id"));
    ServerExceptions.Outcome o;
    try {
      o = decision.equals("approve") ? directory.exceptions().approve(r.path("id"), r.identity(), reason)
          : directory.exceptions().reject(r.path("id"), r.identity(), reason);
    } catch (IllegalArgumentException x) {
      throw new ApiException(400, "BAD_REQUEST", x.getMessage());
    }
    exceptionOutcome(r, o);
    decided.run();
  }

  private void renewException(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("expires", "justification"));
    r.auditTarget("exception:" + r.path("id"));
    ServerExceptions.Outcome o;
    try {
      o = directory.exceptions().renew(r.path("id"), r.identity(), day(body, "expires"),
          Optional.ofNullable(text(body, "justification")).orElse(""));
    } catch (IllegalArgumentException x) {
      throw new ApiException(400, "BAD_REQUEST", x.getMessage());
    }
    exceptionOutcome(r, o);
  }

  private static void exceptionOutcome(Request r, ServerExceptions.Outcome o) {
    switch (o) {
      case ServerExceptions.Outcome.Done d -> r.json(200, exception(d.entry()));
      case ServerExceptions.Outcome.Refused no -> throw switch (no.refusal()) {
        case NO_SUCH -> new ApiException(404, "NOT_FOUND", no.message());
        case SELF_APPROVAL -> new ApiException(403, "SELF_APPROVAL", no.message());
        case NOT_AWAITING, EXPIRED -> new ApiException(409, "CONFLICT", no.message());
      };
    }
  }

  // policies

  static ObjectNode version(PolicyVersions.Version v) {
    return Request.JSON.createObjectNode().put("version", v.number()).put("source", v.source()).put("sha256", v.sha256())
        .put("author", v.author()).put("authorName", v.authorName()).put("state", v.state().name().toLowerCase(java.util.Locale.ROOT))
        .put("approver", v.approver()).put("approverName", v.approverName()).put("reason", v.reason()).put("createdAt", time(v.createdAt()))
        .put("updatedAt", time(v.updatedAt()));
  }

  private void listPolicies(Request r) throws IOException {
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode list = body.putArray("versions");
    directory.policies().list(Optional.empty(), Math.min(limit(r), PolicyVersions.MAX_LIST)).forEach(v -> list.add(version(v)));
    r.json(200, body);
  }

  private void getPolicy(Request r) throws IOException {
    int n = Integer.parseInt(r.path("version"));
    PolicyVersions.Document d = directory.policies().get(n).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no policy version " + n));
    ObjectNode body = version(d.version());
    body.put("text", d.text());
    r.json(200, body);
  }

  private void proposePolicy(Request r) throws IOException {
    JsonNode body = r.jsonObject();
    onlyFields(body, List.of("text"));
    String text = Optional.ofNullable(text(body, "text")).orElse("");
    PolicyVersions.Proposal p;
    try {
      p = directory.policies().propose(r.identity(), text);
    } catch (IllegalArgumentException x) {
      throw new ApiException(400, "BAD_REQUEST", x.getMessage());
    }
    switch (p) {
      case PolicyVersions.Proposal.Proposed ok -> {
        r.auditTarget("policy:v" + ok.version().number());
        r.json(201, version(ok.version()));
      }
      case PolicyVersions.Proposal.Invalid bad -> throw new ApiException(400, "INVALID_POLICY", bad.problems().size() + " problem"
          + (bad.problems().size() == 1 ? "" : "s") + ": " + String.join("; ", bad.problems().stream().limit(20)
              .map(x -> dev.portcullis.core.TerminalText.escape(x.display())).toList()));
    }
  }

  private void decidePolicy(Request r, String decision) throws IOException {
    String reason = HttpApi.decisionReason(r);
    int n = Integer.parseInt(r.path("version"));
    r.auditTarget("policy:v" + n);
    PolicyVersions.Outcome o;
    try {
      o = decision.equals("activate") ? directory.policies().activate(n, r.identity(), reason)
          : directory.policies().reject(n, r.identity(), reason);
    } catch (IllegalArgumentException x) {
      throw new ApiException(400, "BAD_REQUEST", x.getMessage());
    }
    switch (o) {
      case PolicyVersions.Outcome.Done d -> r.json(200, version(d.version()));
      case PolicyVersions.Outcome.Refused no -> throw switch (no.refusal()) {
        case NO_SUCH -> new ApiException(404, "NOT_FOUND", no.message());
        case SELF_APPROVAL -> new ApiException(403, "SELF_APPROVAL", no.message());
        case NOT_PROPOSED, INVALID -> new ApiException(409, "CONFLICT", no.message());
      };
    }
    decided.run();
  }
}
