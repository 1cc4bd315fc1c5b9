package dev.portcullis.server.api;

import static dev.portcullis.server.api.HttpApi.reads;
import static dev.portcullis.server.api.HttpApi.requires;

import dev.portcullis.server.api.Operation.Scope;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.audit.AuditRecord;
import dev.portcullis.server.audit.Verification;
import dev.portcullis.server.auth.Authorizer;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.governance.PolicyVersions;
import dev.portcullis.server.governance.ServerExceptions;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Behaviours;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Releases;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.web.AuditPage;
import dev.portcullis.server.web.ExceptionsPage;
import dev.portcullis.server.web.ImagePage;
import dev.portcullis.server.web.ImagesPage;
import dev.portcullis.server.web.LoginPage;
import dev.portcullis.server.web.PoliciesPage;
import dev.portcullis.server.web.PromotionsPage;
import dev.portcullis.server.web.QuarantinePage;
import dev.portcullis.server.web.WorkloadsPage;
import dev.portcullis.server.web.StoredAssessment;
import dev.portcullis.server.web.SvgChart;
import dev.portcullis.server.web.TrendsPage;
import dev.portcullis.server.web.ViewContext;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard: server-rendered pages, each an operation of the same table as the API (so the
 * same authentication and permission check run before it), never documented as API. Everything
 * a page offers to do is a form that posts to an API operation.
 */
final class Dashboard {
  /** The most images, exceptions, releases or records one page lists. */
  static final int MAX_ROWS = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] STYLESHEET = resource("/web/app.css");

  private final Store store;
  private final HttpApi.Directory directory;

  Dashboard(Store store, HttpApi.Directory directory) {
    this.store = store;
    this.directory = directory;
  }

  private static byte[] resource(String path) {
    try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  List<Operation> operations(Scope imageScope) {
    List<Operation> ops = new ArrayList<>();
    ops.add(page("/ui/login", "loginPage", new Operation.Guard.Public(), this::login));
    ops.add(page("/", "home", new Operation.Guard.Public(), r -> r.context().redirect(LoginPage.HOME)));
    ops.add(page("/ui", "uiHome", new Operation.Guard.Public(), r -> r.context().redirect(LoginPage.HOME)));
    ops.add(page("/ui/static/app.css", "stylesheet", new Operation.Guard.Public(),
        r -> r.context().status(200).contentType("text/css; charset=utf-8").header("Cache-Control", "max-age=300").result(STYLESHEET)));
    ops.add(page(ImagesPage.PATH, "imagesPage", reads(Scope.NONE), this::images));
    ops.add(new Operation("GET", "/ui/images/{digest}", "imagePage", "The dashboard's image page",
        List.of(new Operation.Param("digest", "path", true, "the manifest digest", "sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}")), Optional.empty(),
        Map.of(), reads(imageScope), false, this::image));
    ops.add(page(QuarantinePage.PATH, "quarantinePage", reads(Scope.NONE), this::quarantine));
    ops.add(page(ExceptionsPage.PATH, "exceptionsPage", reads(Scope.NONE), this::exceptions));
    ops.add(page(PromotionsPage.PATH, "promotionsPage", reads(Scope.NONE), this::promotions));
    ops.add(page(PoliciesPage.PATH, "policiesPage", reads(Scope.NONE), this::policies));
    ops.add(page(AuditPage.PATH, "auditPage", requires(Permission.READ_AUDIT, Scope.NONE), this::audit));
    ops.add(page(TrendsPage.PATH, "trendsPage", reads(Scope.NONE), this::trends));
    ops.add(page(WorkloadsPage.PATH, "workloadsPage", reads(Scope.NONE), this::workloads));
    ops.add(page(WorkloadsPage.TOPOLOGY, "topologyPicture", reads(Scope.NONE), this::topology));
    return List.copyOf(ops);
  }

  private static Operation page(String path, String id, Operation.Guard guard, Operation.Handler handler) {
    return new Operation("GET", path, id, "A page of the dashboard", List.of(), Optional.empty(), Map.of(), guard, false, handler);
  }

  private static ViewContext view(Request r) {
    return new ViewContext(r.identity(), r.csrf(), null);
  }

  private static Map<String, List<String>> params(Request r) {
    return r.context().queryParamMap();
  }

  private void login(Request r) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    // the login form's token, double-submitted: the cookie (which another site cannot read or set) and the form field
    r.context().res().addHeader("Set-Cookie", HttpApi.LOGIN_COOKIE + "=" + csrf + "; Path=/v1/login; Max-Age=1800; HttpOnly; SameSite=Strict"
        + (r.context().req().isSecure() ? "; Secure" : ""));
    String next = LoginPage.safeNext(r.query("next").orElse(LoginPage.HOME));
    String message = r.query("failed").isPresent() ? "Wrong name or password, or the account is locked; try again later." : "";
    r.html(200, LoginPage.render(csrf, next, message));
  }

  private void images(Request r) throws IOException {
    ImagesPage.Filter filter = ImagesPage.Filter.parse(params(r));
    Map<String, String> decisions = store.images().decisions(MAX_ROWS);
    List<ImagesPage.Row> rows = new ArrayList<>();
    for (ImageStates.Image i : store.images().list(null, MAX_ROWS)) {
      if (Authorizer.visible(r.identity(), i.repository())) {
        String d = decisions.get(i.registry() + "@" + i.digest());
        rows.add(ImagesPage.Row.of(i, d == null ? Map.of() : StoredAssessment.decisionLabels(d)));
      }
    }
    r.html(200, ImagesPage.render(view(r), new ImagesPage.View(rows, filter, List.of())));
  }

  private void image(Request r) throws IOException {
    String digest = r.path("digest");
    ImagePage.Filter filter = ImagePage.Filter.parse(params(r));
    List<ImagePage.Placement> placements = new ArrayList<>();
    StoredAssessment assessment = null;
    for (ImageStates.Image i : store.images().byDigest(digest)) {
      placements.add(ImagePage.Placement.of(i, store.images().names(i.registry(), digest), store.images().transitions(i.registry(), digest)));
      if (assessment == null) {
        Optional<ImageStates.Stored> stored = store.images().stored(i.registry(), digest);
        if (stored.isPresent()) {
          Optional<DatabaseVersion> db = store.transaction(c -> store.images().storedDatabase(c, i.registry(), digest));
          assessment = StoredAssessment.read(stored.get(), db.map(DatabaseVersion::builtAt).orElse(null));
        }
      }
    }
    if (placements.isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "no registry holds an image " + digest + " that the server knows");
    }
    r.html(200, ImagePage.render(view(r), new ImagePage.View(digest, placements, assessment, filter)));
  }

  private void workloads(Request r) throws IOException {
    List<WorkloadsPage.Workload> rows = new ArrayList<>();
    for (Behaviours.WorkloadRow w : store.behaviours().workloads(MAX_ROWS)) {
      Behaviours.ProfileRow p = w.profile();
      rows.add(new WorkloadsPage.Workload(w.workload(), p == null ? null : p.revision(), p == null ? null : p.status(),
          p != null && p.complete(), p == null ? null : p.flows(), p == null ? null : p.processes(),
          w.mode() == null ? null : w.mode().mode(), w.violations()));
    }
    List<WorkloadsPage.Violation> violations = store.behaviours().violations(null, 50).stream()
        .map(v -> new WorkloadsPage.Violation(v.workload(), v.seenAt(), v.outcome(), v.description())).toList();
    boolean picture = rows.stream().anyMatch(w -> w.revision() != null);
    r.html(200, WorkloadsPage.render(view(r), new WorkloadsPage.View(rows, violations, picture)));
  }

  /** The last topology drawn, by the profiles it was drawn from: the page asks for it on every view. */
  private volatile java.util.Map.Entry<List<String>, String> lastTopology = java.util.Map.entry(List.of(), "");

  private void topology(Request r) throws IOException {
    List<String> texts = store.behaviours().latestProfiles(MAX_ROWS);
    java.util.Map.Entry<List<String>, String> last = lastTopology;
    String svg;
    if (last.getKey().equals(texts) && !texts.isEmpty()) {
      svg = last.getValue();
    } else {
      List<dev.portcullis.behaviour.Profile> profiles = new ArrayList<>();
      for (String text : texts) {
        profiles.add(dev.portcullis.behaviour.ProfileJson.parse(text, "kept on the server"));
      }
      if (profiles.isEmpty()) {
        throw new ApiException(404, "NOT_FOUND", "no workload has sent a profile");
      }
      try {
        svg = dev.portcullis.behaviour.generate.Topology.of(profiles).svg();
      } catch (IOException e) {
        throw new ApiException(503, "UNAVAILABLE", Request.firstLine(e.getMessage()));
      }
      lastTopology = java.util.Map.entry(List.copyOf(texts), svg);
    }
    // the picture's own CSP: nothing in it may run or load, whatever a label holds
    r.context().header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    r.text(200, "image/svg+xml; charset=utf-8", svg);
  }

  private void quarantine(Request r) throws IOException {
    List<Releases.Release> releases = store.releases().list(null, MAX_ROWS);
    List<QuarantinePage.Quarantined> rows = new ArrayList<>();
    for (ImageStates.Image i : store.images().list(ImageState.QUARANTINED, MAX_ROWS)) {
      if (Authorizer.visible(r.identity(), i.repository())) {
        rows.add(QuarantinePage.Quarantined.of(i, releases.stream()
            .filter(x -> x.registry().equals(i.registry()) && x.digest().equals(i.digest())).toList()));
      }
    }
    r.html(200, QuarantinePage.render(view(r), new QuarantinePage.View(rows)));
  }

  private void exceptions(Request r) throws IOException {
    List<ExceptionsPage.Row> rows = new ArrayList<>();
    for (ServerExceptions.Entry e : directory.exceptions().list(Optional.empty(), MAX_ROWS)) {
      String finding = e.finding() != null ? e.finding() : e.packageName() != null ? e.packageName() : e.purl() != null ? e.purl() : "";
      rows.add(new ExceptionsPage.Row(e.id(), finding, e.image() == null ? "" : e.image(), e.justification(), e.expires(), e.state().label(),
          e.requesterName(), e.approverName(), e.reason() == null ? "" : e.reason(), e.createdAt()));
    }
    r.html(200, ExceptionsPage.render(view(r), new ExceptionsPage.View(rows)));
  }

  private void promotions(Request r) throws IOException {
    r.html(200, PromotionsPage.render(view(r), new PromotionsPage.View(store.promotions().list(null, MAX_ROWS).stream()
        .map(PromotionsPage.Row::of).toList())));
  }

  private void policies(Request r) throws IOException {
    List<PoliciesPage.Version> rows = new ArrayList<>();
    for (PolicyVersions.Version v : directory.policies().list(Optional.empty(), PolicyVersions.MAX_LIST)) {
      String text = v.state() == PolicyVersions.State.PROPOSED
          ? directory.policies().get(v.number()).map(PolicyVersions.Document::text).orElse(null) : null;
      rows.add(new PoliciesPage.Version(String.valueOf(v.number()), v.policyName(), v.number(), v.state().name().toLowerCase(java.util.Locale.ROOT),
          v.authorName(), v.approverName(), v.sha256(), v.createdAt(), text, v.reason() == null ? "" : v.reason()));
    }
    r.html(200, PoliciesPage.render(view(r), new PoliciesPage.View(rows)));
  }

  private void audit(Request r) throws IOException {
    AuditPage.Filter f = AuditPage.Filter.parse(params(r));
    AuditLog.Filter filter = new AuditLog.Filter(f.actor().isEmpty() ? null : f.actor(), f.action().isEmpty() ? null : f.action(),
        f.target().isEmpty() ? null : f.target(), f.from(), f.to(), null);
    int shown = 200;
    List<AuditRecord> records = directory.audit().list(filter, shown + 1);
    List<AuditPage.Record> rows = records.stream().limit(shown).map(a -> new AuditPage.Record(a.seq(), a.time().toEpochMilli(),
        a.actorName() + " (" + a.actorKind() + ")", a.source(), a.action(), a.target(), a.outcome(), a.reason())).toList();
    AuditPage.Chain chain;
    try {
      chain = switch (directory.audit().verify(directory.auditKeys())) {
        case Verification.Verified ok -> new AuditPage.Verified(ok.records(), ok.signedThrough() == 0 ? null : ok.signedThrough());
        case Verification.Broken bad -> new AuditPage.Broken(bad.seq(), bad.tampering().name().toLowerCase(java.util.Locale.ROOT) + ": "
            + bad.reason());
      };
    } catch (IOException e) {
      chain = new AuditPage.Unknown("the chain could not be read: " + e.getMessage());
    }
    r.html(200, AuditPage.render(view(r), new AuditPage.View(rows, f, chain, records.size() > shown)));
  }

  private void trends(Request r) throws IOException {
    String query = TrendsPage.View.parseQuery(params(r));
    List<SvgChart.Point> points = new ArrayList<>();
    for (ImageStates.Image i : store.images().list(null, MAX_ROWS)) {
      if (i.score() != null && Authorizer.visible(r.identity(), i.repository())) {
        points.add(new SvgChart.Point(i.repository(), i.firstSeen(), i.score()));
      }
    }
    r.html(200, TrendsPage.render(view(r), new TrendsPage.View(points, query)));
  }
}
