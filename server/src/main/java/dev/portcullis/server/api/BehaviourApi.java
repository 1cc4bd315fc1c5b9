package dev.portcullis.server.api;

import static dev.portcullis.server.api.HttpApi.err;
import static dev.portcullis.server.api.HttpApi.limit;
import static dev.portcullis.server.api.HttpApi.limitParam;
import static dev.portcullis.server.api.HttpApi.ok;
import static dev.portcullis.server.api.HttpApi.reads;
import static dev.portcullis.server.api.HttpApi.requires;
import static dev.portcullis.server.api.HttpApi.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.behaviour.Violation;
import dev.portcullis.behaviour.ViolationJson;
import dev.portcullis.server.api.Operation.Scope;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.Behaviours;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Behaviour learning on the server: learners send each workload's profile (every revision kept), enforcers send the
 * violations they saw and read back the mode people chose; each of these is an audit record.
 */
final class BehaviourApi {
  /** A workload's name, as profiles name it. */
  static final String WORKLOAD = "[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?";
  /** The most violations one request may carry. */
  static final int MAX_VIOLATIONS = 1000;
  /** The largest profile or violation batch read. */
  static final long MAX_BODY = 4L << 20;

  private final Store store;
  private final Clock clock;

  BehaviourApi(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Operation.Param workload = new Operation.Param("workload", "path", true, "the workload's name", WORKLOAD);
    ops.add(new Operation("POST", "/v1/workloads/{workload}/profiles", "reportProfile",
        "Keep a new revision of a workload's learned behaviour profile (what portcullis learn wrote); refused when it is not "
            + "newer than the one kept",
        List.of(workload), Optional.of(new Operation.Body("application/json", "BehaviourProfile")),
        Map.of(201, ok("kept", "WorkloadSummary"), 400, err("not a profile, or one of another workload"),
            409, err("a revision that is not newer than the one kept"), 413, err("larger than 4 MiB")),
        requires(Permission.REPORT_BEHAVIOUR, Scope.NONE), true, this::reportProfile));
    ops.add(new Operation("GET", "/v1/workloads", "listWorkloads",
        "Every workload: its latest profile's revision and learning status, its mode and its violations, by name",
        List.of(limitParam()), Optional.empty(), Map.of(200, ok("the workloads", "WorkloadList")), reads(Scope.NONE), true,
        this::list));
    ops.add(new Operation("GET", "/v1/workloads/{workload}/profile", "getProfile",
        "A workload's latest profile, as it was sent", List.of(workload), Optional.empty(),
        Map.of(200, ok("the profile", "BehaviourProfile"), 404, err("no profile of this workload")), reads(Scope.NONE), true,
        this::profile));
    ops.add(new Operation("POST", "/v1/workloads/{workload}/violations", "reportViolations",
        "Keep violations an enforcer saw (at most 1000 a request), each of this workload",
        List.of(workload), Optional.of(new Operation.Body("application/json", "ViolationBatch")),
        Map.of(201, ok("kept", "ViolationCount"), 400, err("not violations of this workload"),
            413, err("larger than 4 MiB")),
        requires(Permission.REPORT_BEHAVIOUR, Scope.NONE), true, this::reportViolations));
    ops.add(new Operation("GET", "/v1/workloads/{workload}/violations", "listViolations",
        "A workload's violations, newest first", List.of(workload, limitParam()), Optional.empty(),
        Map.of(200, ok("the violations", "ViolationList")), reads(Scope.NONE), true, this::violations));
    ops.add(new Operation("POST", "/v1/workloads/{workload}/mode", "setWorkloadMode",
        "Switch a workload between monitor and protect; its enforcer picks the change up while the workload runs",
        List.of(workload), Optional.of(new Operation.Body("application/json", "ModeChange")),
        Map.of(200, ok("the mode now", "WorkloadMode"), 400, err("not monitor or protect")),
        requires(Permission.SET_WORKLOAD_MODE, Scope.NONE), true, this::setMode));
    ops.add(new Operation("GET", "/v1/workloads/{workload}/mode", "getWorkloadMode",
        "The mode chosen for a workload, which its enforcer follows", List.of(workload), Optional.empty(),
        Map.of(200, ok("the mode", "WorkloadMode"), 404, err("no mode chosen for this workload")), reads(Scope.NONE), true,
        this::mode));
    return ops;
  }

  private void reportProfile(Request r) throws IOException {
    String name = r.path("workload");
    r.auditTarget("workload:" + name);
    String text = r.utf8Body("profile of " + name);
    Profile profile;
    try {
      profile = ProfileJson.parse(text, "of " + name);
    } catch (IOException e) {
      throw new ApiException(400, "BAD_REQUEST", Request.firstLine(e.getMessage()));
    }
    if (!profile.workload().name().equals(name)) {
      throw new ApiException(400, "BAD_REQUEST", "profile of " + name + ": the document is the profile of "
          + profile.workload().name());
    }
    Behaviours.ProfileRow row = new Behaviours.ProfileRow(name, profile.revision(), profile.learning().complete(),
        profile.learning().status(), profile.flows().size(), profile.processes().size(), clock.millis());
    int kept = store.transaction(c -> store.behaviours().latestRevision(c, name));
    if (profile.revision() <= kept) {
      throw new ApiException(409, "CONFLICT", "profile of " + name + ": revision " + profile.revision()
          + " is not newer than revision " + kept + ", which is kept");
    }
    r.auditReason("revision " + profile.revision() + ": " + row.flows() + " flows, " + row.processes() + " processes, "
        + profile.learning().status());
    // kept in the transaction of its audit record (both or neither); the key (workload, revision) refuses a racing twin
    r.auditWith(c -> {
      store.behaviours().addProfile(c, row, text);
      return null;
    });
    r.json(201, summary(new Behaviours.WorkloadRow(name, row, store.behaviours().mode(name).orElse(null), 0, 0)));
  }

  private void list(Request r) throws IOException {
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode workloads = body.putArray("workloads");
    store.behaviours().workloads(Math.min(limit(r), 1000)).forEach(w -> workloads.add(summary(w)));
    r.json(200, body);
  }

  private void profile(Request r) throws IOException {
    String name = r.path("workload");
    r.rawJson(200, store.behaviours().latestProfile(name)
        .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no profile of workload " + name)));
  }

  private void reportViolations(Request r) throws IOException {
    String name = r.path("workload");
    r.auditTarget("workload:" + name);
    JsonNode list = r.jsonObject().get("violations");
    if (list == null || !list.isArray()) {
      throw new ApiException(400, "BAD_REQUEST", "violations of " + name + ": the body has no violations array");
    }
    if (list.size() > MAX_VIOLATIONS) {
      throw new ApiException(400, "BAD_REQUEST", "violations of " + name + ": " + list.size() + " in one request, at most "
          + MAX_VIOLATIONS);
    }
    List<Behaviours.ViolationRow> rows = new ArrayList<>();
    int stopped = 0;
    for (int i = 0; i < list.size(); i++) {
      Violation v;
      try {
        v = ViolationJson.read(list.get(i).toString());
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "BAD_REQUEST", "violations of " + name + ": violations[" + i + "]: "
            + Request.firstLine(e.getMessage()));
      }
      if (!v.workload().equals(name)) {
        throw new ApiException(400, "BAD_REQUEST", "violations of " + name + ": violations[" + i + "] is of workload "
            + v.workload());
      }
      stopped += v.outcome() == Violation.Outcome.STOPPED ? 1 : 0;
      rows.add(new Behaviours.ViolationRow(UUID.randomUUID().toString(), name, v instanceof Violation.OfFlow ? "flow"
          : "process", v.outcome().name().toLowerCase(Locale.ROOT), v.time().toEpochMilli(), v.describe(),
          ViolationJson.line(v)));
    }
    r.auditReason(rows.size() + " violation(s), " + stopped + " stopped" + (rows.isEmpty() ? ""
        : "; first: " + rows.getFirst().description()));
    r.auditWith(c -> {
      store.behaviours().addViolations(c, rows, clock.millis());
      return null;
    });
    ObjectNode body = Request.JSON.createObjectNode();
    body.put("workload", name).put("kept", rows.size()).put("stopped", stopped);
    r.json(201, body);
  }

  private void violations(Request r) throws IOException {
    String name = r.path("workload");
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode out = body.putArray("violations");
    for (Behaviours.ViolationRow v : store.behaviours().violations(name, Math.min(limit(r), 1000))) {
      out.add(Request.JSON.readTree(v.json()));
    }
    r.json(200, body);
  }

  private void setMode(Request r) throws IOException {
    String name = r.path("workload");
    r.auditTarget("workload:" + name);
    String word = r.jsonObject().path("mode").asText("");
    Mode mode;
    try {
      mode = Mode.parse(word);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", "mode of " + name + ": " + e.getMessage());
    }
    Optional<Behaviours.ModeRow> before = store.behaviours().mode(name);
    Behaviours.ModeRow row = new Behaviours.ModeRow(name, mode.word(), r.identity().name(), clock.millis());
    r.auditReason(before.map(Behaviours.ModeRow::mode).orElse("none") + " -> " + mode.word());
    r.auditWith(c -> {
      store.behaviours().setMode(c, row);
      return null;
    });
    r.json(200, mode(row));
  }

  private void mode(Request r) throws IOException {
    String name = r.path("workload");
    r.json(200, mode(store.behaviours().mode(name)
        .orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no mode chosen for workload " + name))));
  }

  private static ObjectNode mode(Behaviours.ModeRow m) {
    ObjectNode n = Request.JSON.createObjectNode();
    n.put("workload", m.workload()).put("mode", m.mode()).put("setBy", m.setBy()).put("setAt", time(m.setAt()));
    return n;
  }

  static ObjectNode summary(Behaviours.WorkloadRow w) {
    ObjectNode n = Request.JSON.createObjectNode();
    n.put("workload", w.workload());
    if (w.profile() == null) {
      n.putNull("revision").putNull("complete").putNull("status").putNull("flows").putNull("processes");
    } else {
      n.put("revision", w.profile().revision()).put("complete", w.profile().complete()).put("status", w.profile().status())
          .put("flows", w.profile().flows()).put("processes", w.profile().processes());
    }
    if (w.mode() == null) {
      n.putNull("mode");
    } else {
      n.put("mode", w.mode().mode());
    }
    n.put("violations", w.violations());
    if (w.lastViolation() > 0) {
      n.put("lastViolation", time(w.lastViolation()));
    }
    return n;
  }
}
