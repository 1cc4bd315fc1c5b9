package dev.portcullis.server.web;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.Grade;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.ImageStates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/images/{digest}?kind=&severity=&fix=&exception=}: one image — where it is held
 * and in which state, its score with the factors that explain it, each stage's decision, its
 * findings (filtered by kind, severity and whether a fix exists), its layers, signatures and
 * attestations, and the history of its states — with the forms to ask for an exception for a
 * finding and for the release of a quarantined image.
 *
 * <p>Element ids: sections {@code summary}, {@code decisions}, {@code factors}, {@code findings},
 * {@code layers}, {@code provenance}, {@code history}; tables {@code placements},
 * {@code decisions-table}, {@code factors-table}, {@code findings-table} (rows carry
 * {@code data-finding}, {@code data-kind}, {@code data-severity}), {@code layers-table},
 * {@code signatures-table}, {@code attestations-table}, {@code history-table}; the filter form
 * {@code finding-filter} (fields {@code finding-kind}, {@code finding-severity}, {@code finding-fix});
 * each finding's link {@code exception-link} (class) fills the form {@code exception-request}
 * (fields {@code exception-finding}, {@code exception-image}, {@code exception-justification},
 * {@code exception-expires}, button {@code exception-submit}); per quarantined registry R the form
 * {@code release-request-R} (field {@code release-justification-R}, button {@code release-submit-R}).
 */
public final class ImagePage {
  /** The page of digest D is {@code /ui/images/D}. */
  public static final String PATH_PREFIX = "/ui/images/";
  /** The form a finding's exception is asked for with. */
  public static final String EXCEPTION_ACTION = "/v1/exceptions";
  /** The form a release is asked for with. */
  public static final String RELEASE_ACTION = "/v1/releases";

  private ImagePage() {}

  /**
   * The image in one registry.
   *
   * @param state the state's label
   * @param score the stored score (after the exceptions of the registry's stage); {@code null} before the first scan
   * @param summary the last decision in a line
   * @param names the repository:tag names it was seen under
   * @param history its state changes, oldest first
   */
  public record Placement(String registry, String repository, String state, @Nullable Integer score, String summary, long firstSeen,
      long updatedAt, List<String> names, List<Transition> history) {
    public Placement {
      names = List.copyOf(names);
      history = List.copyOf(history);
    }

    public static Placement of(ImageStates.Image image, List<ImageStates.Name> names, List<ImageStates.Transition> history) {
      return new Placement(image.registry(), image.repository(), image.state().label(), image.score(), image.summary(), image.firstSeen(),
          image.updatedAt(), names.stream().map(n -> n.tag().isEmpty() ? n.repository() : n.repository() + ":" + n.tag()).toList(),
          history.stream().map(Transition::of).toList());
    }
  }

  /** One state change: from ({@code null} for the first), to, who or what made it, why, when. */
  public record Transition(@Nullable String from, String to, String actor, String reason, long at) {
    public static Transition of(ImageStates.Transition t) {
      return new Transition(t.from() == null ? null : t.from().label(), t.to().label(), t.actor(), t.reason(), t.at());
    }
  }

  /**
   * The findings' filters as the query gives them, and the finding the exception form is filled for.
   *
   * @param kind only findings of this kind ("" for any)
   * @param severity only findings of this severity ("" for any)
   * @param fix {@code yes}: only findings with a fix; {@code no}: only those without; "" for any
   * @param exception the finding ID to fill the exception form with ("" for none)
   */
  public record Filter(String kind, String severity, String fix, String exception) {
    public static final Filter NONE = new Filter("", "", "", "");
    private static final List<String> KINDS = Arrays.stream(Kind.values()).map(Kind::label).toList();
    private static final List<String> SEVERITIES = Arrays.stream(Severity.values()).map(Severity::label).toList().reversed();

    public Filter {
      if (!kind.isEmpty() && !KINDS.contains(kind)) {
        throw new IllegalArgumentException("filter kind: '" + kind + "' is not one of " + String.join(", ", KINDS));
      }
      if (!severity.isEmpty() && !SEVERITIES.contains(severity)) {
        throw new IllegalArgumentException("filter severity: '" + severity + "' is not one of " + String.join(", ", SEVERITIES));
      }
      if (!fix.isEmpty() && !fix.equals("yes") && !fix.equals("no")) {
        throw new IllegalArgumentException("filter fix: '" + fix + "' is not one of yes, no");
      }
      if (exception.length() > 200) {
        throw new IllegalArgumentException("exception: a finding ID longer than 200 characters");
      }
    }

    /**
     * Reads {@code kind}, {@code severity}, {@code fix} ({@code yes}, {@code no}) and {@code exception}.
     *
     * @throws IllegalArgumentException in one line, naming the parameter and what it accepts
     */
    public static Filter parse(Map<String, List<String>> params) {
      return new Filter(Query.oneOf(params, "kind", Set.copyOf(KINDS), KINDS), Query.oneOf(params, "severity", Set.copyOf(SEVERITIES), SEVERITIES),
          Query.oneOf(params, "fix", Set.of("yes", "no"), List.of("yes", "no")), Query.text(params, "exception", 200));
    }

    public boolean matches(StoredAssessment.Finding f) {
      return (kind.isEmpty() || kind.equals(f.kind())) && (severity.isEmpty() || severity.equals(f.severity()))
          && (fix.isEmpty() || (fix.equals("yes") == f.fixable()));
    }

    boolean any() {
      return !kind.isEmpty() || !severity.isEmpty() || !fix.isEmpty();
    }
  }

  /**
   * @param digest the image's manifest digest
   * @param placements the registries that hold it (at least one)
   * @param assessment the last scan's stored result, read; {@code null} before the first scan
   */
  public record View(String digest, List<Placement> placements, @Nullable StoredAssessment assessment, Filter filter) {
    public View {
      placements = List.copyOf(placements);
      if (placements.isEmpty()) {
        throw new IllegalArgumentException("an image page shows an image some registry holds");
      }
    }
  }

  public static String render(ViewContext ctx, View view) {
    StoredAssessment a = view.assessment();
    int findings = a == null ? 0 : a.findings().size();
    String self = Url.path(PATH_PREFIX, view.digest());
    String title = view.placements().get(0).repository() + "@" + Format.shortDigest(view.digest());
    return Layout.page(ctx, title, Layout.Section.IMAGES, 8192 + findings * 900, h -> {
      summary(h, view);
      if (a == null) {
        h.element("p", "Not scanned yet.", "class", "empty", "id", "not-scanned");
      } else {
        for (String p : a.problems()) {
          h.element("p", p, "class", "flash flash-error");
        }
        decisions(h, a);
        factors(h, a);
        findings(h, ctx, view, a, self);
        layers(h, a);
        provenance(h, a);
      }
      history(h, view);
      exceptionForm(h, ctx, view, self);
      releaseForms(h, ctx, view, self);
    });
  }

  private static void summary(Html h, View view) {
    h.open("section", "id", "summary");
    h.open("p").text("Digest ").element("code", view.digest(), "id", "image-digest").close();
    h.open("div", "class", "scroll");
    h.open("table", "id", "placements");
    h.open("thead").open("tr");
    for (String c : List.of("Registry", "Repository", "Names", "State", "Score", "Grade", "Last decision", "First seen")) {
      h.element("th", c, "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    for (Placement p : view.placements()) {
      h.open("tr", "data-registry", p.registry());
      h.element("td", p.registry());
      h.element("td", p.repository());
      h.element("td", String.join(", ", p.names()));
      h.open("td").element("span", p.state(), "class", "state state-" + p.state()).close();
      h.element("td", p.score() == null ? "–" : String.valueOf(p.score()), "class", "num");
      String grade = p.score() == null ? "–" : Grade.of(p.score()).name();
      h.open("td").element("span", grade, "class", "grade grade-" + (p.score() == null ? "none" : grade)).close();
      h.element("td", p.summary());
      h.open("td");
      Format.time(h, p.firstSeen());
      h.close("td");
      h.close("tr");
    }
    h.close("tbody").close("table").close("div");
    h.close("section");
  }

  private static void decisions(Html h, StoredAssessment a) {
    h.open("section", "id", "decisions");
    h.element("h2", "Decisions");
    h.open("p", "class", "meta").text("Scanned ");
    Format.time(h, a.scannedAt());
    if (a.vulnerabilityDatabase() != null) {
      h.text(" with the vulnerability database built ").text(a.vulnerabilityDatabase());
    }
    h.close("p");
    if (a.decisions().isEmpty()) {
      h.element("p", "No stage decided.", "class", "empty");
    } else {
      h.open("div", "class", "scroll");
      h.open("table", "id", "decisions-table");
      h.open("thead").open("tr");
      for (String c : List.of("Stage", "Decision", "Score", "Grade", "Before exceptions", "Rules fired", "Exceptions used")) {
        h.element("th", c, "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (StoredAssessment.StageDecision d : a.decisions()) {
        h.open("tr", "data-stage", d.stage());
        h.element("th", d.stage(), "scope", "row");
        h.open("td").element("span", d.decision(), "class", "decision decision-" + d.decision()).close();
        h.element("td", String.valueOf(d.score()), "class", "num");
        h.element("td", d.grade());
        h.element("td", String.valueOf(d.scoreBeforeExceptions()), "class", "num");
        h.open("td");
        if (!d.rulesFired().isEmpty()) {
          h.open("ul", "class", "plain");
          for (StoredAssessment.RuleFired r : d.rulesFired()) {
            h.open("li").element("span", r.action(), "class", "decision decision-" + r.action()).text(" ").element("code", r.rule())
                .text(": ").text(r.message()).close();
          }
          h.close("ul");
        }
        h.close("td");
        h.open("td");
        if (!d.exceptionsUsed().isEmpty()) {
          h.open("ul", "class", "plain");
          for (StoredAssessment.ExceptionUsed e : d.exceptionsUsed()) {
            h.open("li").element("code", e.id()).text(" (" + e.scope() + "), approved by " + e.approver() + ", until " + e.expires() + ": "
                + String.join(", ", e.findings())).close();
          }
          h.close("ul");
        }
        h.close("td");
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
    }
    h.close("section");
  }

  private static void factors(Html h, StoredAssessment a) {
    h.open("section", "id", "factors");
    h.element("h2", "Score");
    StoredAssessment.Score s = a.score();
    if (s == null) {
      h.element("p", "The score could not be read.", "class", "empty");
      h.close("section");
      return;
    }
    h.open("p", "class", "score").text("Score ").element("strong", String.valueOf(s.value()), "id", "score-value").text("/100, grade ")
        .element("strong", s.grade(), "id", "score-grade").text(" (the image's own risk, before exceptions)").close();
    if (!s.deductions().isEmpty()) {
      h.open("ul", "class", "deductions", "id", "deductions");
      s.deductions().forEach((category, fraction) -> h.open("li").text(category).text(": −").text(percent(fraction)).text(" of the score").close());
      h.close("ul");
    }
    if (s.factors().isEmpty()) {
      h.element("p", "Nothing lowers the score.", "class", "empty");
    } else {
      h.open("div", "class", "scroll");
      h.open("table", "id", "factors-table");
      h.open("thead").open("tr");
      for (String c : List.of("Category", "Weight", "Why", "Findings")) {
        h.element("th", c, "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (StoredAssessment.Factor f : s.factors()) {
        h.open("tr");
        h.element("td", f.category());
        h.element("td", f.ceiling() == null ? String.format(Locale.ROOT, "%.4f", f.weight()) : "ceiling " + f.ceiling(), "class", "num");
        h.element("td", f.reason());
        h.element("td", shortList(f.findings(), 20), "class", "ids");
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
    }
    if (!a.labels().isEmpty() || !a.user().isEmpty()) {
      h.element("h3", "Configuration");
      h.open("dl", "id", "labels");
      if (!a.user().isEmpty()) {
        h.element("dt", "user").open("dd").element("code", a.user()).close();
      }
      a.labels().forEach((k, v) -> h.element("dt", "label " + k).open("dd").element("code", v).close());
      h.close("dl");
    }
    h.close("section");
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  private static String shortList(List<String> ids, int max) {
    if (ids.size() <= max) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, max)) + " and " + (ids.size() - max) + " more";
  }

  private static final Map<String, Integer> SEVERITY_RANK = rank();

  private static Map<String, Integer> rank() {
    Map<String, Integer> m = new java.util.HashMap<>();
    for (Severity s : Severity.values()) {
      m.put(s.label(), -s.ordinal());
    }
    return Map.copyOf(m);
  }

  private static void findings(Html h, ViewContext ctx, View view, StoredAssessment a, String self) {
    Filter f = view.filter();
    h.open("section", "id", "findings");
    h.element("h2", "Findings");
    h.open("form", "method", "get", "action", self, "id", "finding-filter", "class", "filters");
    List<String> kinds = new ArrayList<>(List.of("", "any kind"));
    for (String k : Filter.KINDS) {
      kinds.add(k);
      kinds.add(k);
    }
    Forms.select(h, "Kind", "kind", "finding-kind", f.kind(), kinds.toArray(String[]::new));
    List<String> severities = new ArrayList<>(List.of("", "any severity"));
    for (String s : Filter.SEVERITIES) {
      severities.add(s);
      severities.add(s);
    }
    Forms.select(h, "Severity", "severity", "finding-severity", f.severity(), severities.toArray(String[]::new));
    Forms.select(h, "Fix", "fix", "finding-fix", f.fix(), "", "with or without a fix", "yes", "fix available", "no", "no fix");
    Forms.submit(h, "Filter", "finding-filter-submit", null);
    h.link(self + "#findings", "Clear", "id", "finding-filter-clear");
    h.close("form");
    List<StoredAssessment.Finding> shown = new ArrayList<>();
    for (StoredAssessment.Finding x : a.findings()) {
      if (f.matches(x)) {
        shown.add(x);
      }
    }
    shown.sort(Comparator.comparingInt((StoredAssessment.Finding x) -> SEVERITY_RANK.getOrDefault(x.severity(), 1)));
    h.open("p", "class", "count", "id", "findings-count").text(shown.size()).text(" of ").text(a.findings().size()).text(" findings").close();
    boolean mayExcept = !exceptionRepositories(ctx, view).isEmpty();
    h.open("div", "class", "scroll");
    h.open("table", "id", "findings-table");
    h.open("thead").open("tr");
    for (String c : List.of("Severity", "Kind", "ID", "Package", "Fix", "What", "Where")) {
      h.element("th", c, "scope", "col");
    }
    if (mayExcept) {
      h.element("th", "Exception", "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    // one row per finding, written straight into the page's buffer: 2,000 findings stay cheap
    for (StoredAssessment.Finding x : shown) {
      h.open("tr", "data-finding", x.id(), "data-kind", x.kind(), "data-severity", x.severity());
      h.open("td").element("span", x.severity(), "class", "sev sev-" + x.severity()).close();
      h.element("td", x.kind());
      h.open("td").element("code", x.id());
      if (!x.aliases().isEmpty()) {
        h.element("span", String.join(", ", x.aliases()), "class", "aliases");
      }
      if (x.kev()) {
        h.element("span", "KEV", "class", "tag tag-kev", "title", "listed in CISA's Known Exploited Vulnerabilities catalogue");
      }
      h.close("td");
      h.element("td", x.packageName().isEmpty() ? "" : x.packageName() + " " + x.version());
      h.element("td", x.fixedVersion() != null ? x.fixedVersion() : x.fix(), "class", x.fixable() ? "fix fix-yes" : "fix");
      h.open("td").text(x.title());
      if (!x.message().isEmpty()) {
        h.element("span", x.message(), "class", "message");
      }
      h.close("td");
      h.open("td").element("code", x.location()).close();
      if (mayExcept) {
        h.open("td").link(Url.query(self, "kind", f.kind(), "severity", f.severity(), "fix", f.fix(), "exception", x.id()) + "#exception-request",
            "request", "class", "exception-link").close();
      }
      h.close("tr");
    }
    h.close("tbody").close("table").close("div");
    if (shown.isEmpty()) {
      h.element("p", a.findings().isEmpty() ? "No findings." : "No finding matches the filter.", "class", "empty");
    }
    h.close("section");
  }

  private static void layers(Html h, StoredAssessment a) {
    h.open("section", "id", "layers");
    h.element("h2", "Layers");
    if (a.layers().isEmpty()) {
      h.element("p", "No finding points into a layer; the stored result lists no others.", "class", "empty");
    } else {
      h.element("p", "The layers findings were found in (the stored result lists no others).", "class", "meta");
      h.open("div", "class", "scroll");
      h.open("table", "id", "layers-table");
      h.open("thead").open("tr");
      for (String c : List.of("#", "Diff ID", "Size", "Created by")) {
        h.element("th", c, "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (StoredAssessment.Layer l : a.layers()) {
        h.open("tr");
        h.element("td", l.index() < 0 ? "?" : String.valueOf(l.index()), "class", "num");
        h.open("td").element("code", Format.shortDigest(l.digest()), "title", l.digest()).close();
        h.element("td", l.size() == null ? "unknown" : bytes(l.size()), "class", "num");
        h.open("td").element("code", l.createdBy().isEmpty() ? "unknown" : l.createdBy()).close();
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
    }
    h.close("section");
  }

  private static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static void provenance(Html h, StoredAssessment a) {
    h.open("section", "id", "provenance");
    h.element("h2", "Signatures and attestations");
    StoredAssessment.Provenance p = a.provenance();
    if (p == null) {
      h.element("p", "Not looked up: no stage's policy asks for signatures or attestations.", "class", "empty");
      h.close("section");
      return;
    }
    if (p.signatures().isEmpty()) {
      h.element("p", "No signature found.", "class", "empty", "id", "no-signatures");
    } else {
      h.open("table", "id", "signatures-table");
      h.open("thead").open("tr").element("th", "Signer", "scope", "col").element("th", "Verified", "scope", "col").close("tr").close("thead");
      h.open("tbody");
      for (StoredAssessment.Signature s : p.signatures()) {
        h.open("tr").open("td").element("code", s.signer()).close();
        h.element("td", s.verified() ? "verified" : "not verified", "class", s.verified() ? "ok" : "bad").close("tr");
      }
      h.close("tbody").close("table");
    }
    if (p.attestations().isEmpty()) {
      h.element("p", "No attestation found.", "class", "empty", "id", "no-attestations");
    } else {
      h.open("div", "class", "scroll");
      h.open("table", "id", "attestations-table");
      h.open("thead").open("tr");
      for (String c : List.of("Predicate type", "Signer", "Verified", "Issued", "Stage", "Score", "Result")) {
        h.element("th", c, "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (StoredAssessment.Attestation t : p.attestations()) {
        h.open("tr");
        h.open("td").element("code", t.predicateType()).close();
        h.open("td").element("code", t.signer()).close();
        h.element("td", t.verified() ? "verified" : "not verified", "class", t.verified() ? "ok" : "bad");
        h.element("td", t.issued() == null ? "" : t.issued());
        h.element("td", t.stage() == null ? "" : t.stage());
        h.element("td", t.score() == null ? "" : String.valueOf(t.score()), "class", "num");
        h.element("td", t.result() == null ? "" : t.result());
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
    }
    h.close("section");
  }

  private static void history(Html h, View view) {
    h.open("section", "id", "history");
    h.element("h2", "History");
    h.open("div", "class", "scroll");
    h.open("table", "id", "history-table");
    h.open("thead").open("tr");
    for (String c : List.of("When", "Registry", "From", "To", "Actor", "Reason")) {
      h.element("th", c, "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    for (Placement p : view.placements()) {
      for (Transition t : p.history()) {
        h.open("tr");
        h.open("td");
        Format.time(h, t.at());
        h.close("td");
        h.element("td", p.registry());
        h.element("td", t.from() == null ? "–" : t.from());
        h.open("td").element("span", t.to(), "class", "state state-" + t.to()).close();
        h.element("td", t.actor());
        h.element("td", t.reason());
        h.close("tr");
      }
    }
    h.close("tbody").close("table").close("div");
    h.close("section");
  }

  /** The image's repositories the identity may ask an exception for. */
  private static List<String> exceptionRepositories(ViewContext ctx, View view) {
    Set<String> repositories = new LinkedHashSet<>();
    for (Placement p : view.placements()) {
      if (ctx.may(Permission.REQUEST_EXCEPTION, p.repository())) {
        repositories.add(p.repository());
      }
    }
    return List.copyOf(repositories);
  }

  private static void exceptionForm(Html h, ViewContext ctx, View view, String self) {
    List<String> repositories = exceptionRepositories(ctx, view);
    if (repositories.isEmpty() || view.assessment() == null) {
      return;
    }
    h.open("section", "id", "request-exception");
    h.element("h2", "Request an exception");
    Forms.post(h, ctx.csrfToken(), EXCEPTION_ACTION, self, "exception-request", "stacked");
    Forms.input(h, "Finding ID", "finding", "exception-finding", "text", view.filter().exception(), 200, true);
    String[] options = new String[repositories.size() * 2];
    for (int i = 0; i < repositories.size(); i++) {
      options[2 * i] = repositories.get(i);
      options[2 * i + 1] = repositories.get(i);
    }
    Forms.select(h, "Image (repository)", "image", "exception-image", repositories.get(0), options);
    Forms.textarea(h, "Justification", "justification", "exception-justification", "", 10, 2000, 3, true);
    Forms.input(h, "Expires", "expires", "exception-expires", "date", "", 10, true);
    Forms.submit(h, "Request exception", "exception-submit", null);
    h.close("form");
    h.close("section");
  }

  private static void releaseForms(Html h, ViewContext ctx, View view, String self) {
    for (Placement p : view.placements()) {
      if (!p.state().equals("quarantined") || !ctx.may(Permission.REQUEST_RELEASE, p.repository())) {
        continue;
      }
      h.open("section", "class", "request-release");
      h.open("h2").text("Request release from quarantine in ").text(p.registry()).close();
      Forms.post(h, ctx.csrfToken(), RELEASE_ACTION, self, "release-request-" + p.registry(), "stacked");
      h.empty("input", "type", "hidden", "name", "registry", "value", p.registry());
      h.empty("input", "type", "hidden", "name", "digest", "value", view.digest());
      Forms.textarea(h, "Justification", "justification", "release-justification-" + p.registry(), "", 10, 2000, 3, true);
      Forms.submit(h, "Request release", "release-submit-" + p.registry(), null);
      h.close("form");
      h.close("section");
    }
  }
}
