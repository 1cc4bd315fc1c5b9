package dev.portcullis.server.api;

import static dev.portcullis.server.api.HttpApi.err;
import static dev.portcullis.server.api.HttpApi.limit;
import static dev.portcullis.server.api.HttpApi.limitParam;
import static dev.portcullis.server.api.HttpApi.ok;
import static dev.portcullis.server.api.HttpApi.reads;
import static dev.portcullis.server.api.HttpApi.requires;
import static dev.portcullis.server.api.HttpApi.time;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.HostScore;
import dev.portcullis.host.Status;
import dev.portcullis.host.check.CheckCatalog;
import dev.portcullis.host.containers.ContainerTests;
import dev.portcullis.host.output.HostReportJson;
import dev.portcullis.server.api.Operation.Scope;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.HostReports;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host benchmark reports: a host (or whoever checked its copy) sends what {@code portcullis host
 * --format json} wrote; the server reads it against its own checks, scores it again, refuses a
 * report whose stated score its results do not give, and keeps it with an audit record.
 */
final class HostsApi {
  /** A host name as DNS writes it: letters, digits, dots, hyphens (and underscores, which some inventories use). */
  static final String HOST = "[A-Za-z0-9][A-Za-z0-9._-]{0,252}";
  private static final CheckCatalog CATALOG = CheckCatalog.builtIn(ContainerTests::named);

  private final Store store;
  private final Clock clock;

  HostsApi(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The largest report read. */
  static long maxBody() {
    return HostReportJson.MAX_BYTES;
  }

  List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Operation.Param host = new Operation.Param("host", "path", true, "the host's name", HOST);
    ops.add(new Operation("POST", "/v1/hosts/{host}/reports", "reportHost",
        "Keep a host's benchmark report (what portcullis host --format json wrote); the server scores it again and refuses one whose "
            + "score its results do not give",
        List.of(host), Optional.of(new Operation.Body("application/json", "HostReport")),
        Map.of(201, ok("kept", "HostSummary"), 400, err("not a host report, or one whose score its results do not give"),
            413, err("larger than 4 MiB")),
        requires(Permission.REPORT_HOST, Scope.NONE), true, this::report));
    ops.add(new Operation("GET", "/v1/hosts", "listHosts", "Every host's latest report: its score, grade and counts, hosts by name",
        List.of(limitParam()), Optional.empty(), Map.of(200, ok("the hosts", "HostList")), reads(Scope.NONE), true, this::list));
    ops.add(new Operation("GET", "/v1/hosts/{host}/report", "getHostReport", "A host's latest report, as it was sent", List.of(host),
        Optional.empty(), Map.of(200, ok("the report", "HostReport"), 404, err("no report from this host")), reads(Scope.NONE), true,
        this::latest));
    return ops;
  }

  private void report(Request r) throws IOException {
    String name = r.path("host");
    r.auditTarget("host:" + name);
    String text = r.utf8Body("host report of " + name);
    HostReport report;
    try {
      report = HostReportJson.read(text, CATALOG);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "BAD_REQUEST", "host report of " + name + ": " + Request.firstLine(e.getMessage()));
    }
    HostScore s = report.score();
    HostReports.Summary summary = new HostReports.Summary("", name, report.live() ? "live" : "offline", s.scored() ? s.score() : null,
        s.scored() ? s.grade().name() : null, s.count(Status.PASS), s.count(Status.FAIL), s.count(Status.ERROR), s.count(Status.NOT_APPLICABLE),
        s.count(Status.MANUAL), clock.millis());
    String id = java.util.UUID.randomUUID().toString();
    r.auditReason(describe(summary));
    // the report is kept in the transaction of its audit record: both or neither
    r.auditWith(c -> {
      store.hosts().add(c, id, summary, text);
      return null;
    });
    r.json(201, summary(summary).put("id", id));
  }

  private void list(Request r) throws IOException {
    ObjectNode body = Request.JSON.createObjectNode();
    ArrayNode hosts = body.putArray("hosts");
    store.hosts().latest(Math.min(limit(r), 1000)).forEach(s -> hosts.add(summary(s)));
    r.json(200, body);
  }

  private void latest(Request r) throws IOException {
    String name = r.path("host");
    HostReports.Stored stored = store.hosts().latest(name).orElseThrow(() -> new ApiException(404, "NOT_FOUND", "no report from host " + name));
    r.rawJson(200, stored.report());
  }

  /** {@code score 72 (C): 40 pass, 9 fail, 1 error, 20 not applicable, 3 manual, live}. */
  static String describe(HostReports.Summary s) {
    return (s.score() == null ? "no score (no applicable automated check ran)" : "score " + s.score() + " (" + s.grade() + ")") + ": "
        + s.passed() + " pass, " + s.failed() + " fail, " + s.errors() + " error, " + s.notApplicable() + " not applicable, " + s.manual()
        + " manual, " + s.mode();
  }

  private static ObjectNode summary(HostReports.Summary s) {
    ObjectNode n = Request.JSON.createObjectNode();
    n.put("host", s.host()).put("mode", s.mode());
    if (s.score() == null) {
      n.putNull("score").putNull("grade");
    } else {
      n.put("score", s.score()).put("grade", s.grade());
    }
    n.putObject("counts").put("pass", s.passed()).put("fail", s.failed()).put("error", s.errors()).put("not-applicable", s.notApplicable())
        .put("manual", s.manual());
    if (s.receivedAt() > 0) {
      n.put("receivedAt", time(s.receivedAt()));
    }
    return n;
  }
}
