package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Role;
import dev.portcullis.server.store.ImageStates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class ImagePageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String LAYER = "sha256:" + "b".repeat(64);

  /** The stored result of a scan whose image, findings and signatures say {@code text} everywhere they can. */
  private static ImageStates.Stored stored(String text, List<RiskFinding> findings) {
    Provenance provenance = new Provenance(List.of(new Provenance.Signature(text + "signer", true)),
        List.of(new Provenance.Attestation(text + "predicate", text + "attester", false, Instant.parse("2024-05-01T00:00:00Z"), text + "stage",
            77, text + "result")));
    RiskReport risk = RiskReport.of(new ImageFacts(text + "image", DIGEST, text + "user", Map.of(text + "label", text + "value")),
        Instant.parse("2024-04-30T00:00:00Z"), findings, provenance);
    ObjectNode assessment = JSON.createObjectNode();
    ObjectNode vuln = assessment.putArray("findings").addObject().put("id", "CVE-2024-0001");
    vuln.putObject("package").put("name", text + "pkg").put("layerDiffId", LAYER);
    vuln.put("layerCreatedBy", text + "RUN make");
    ObjectNode check = assessment.putArray("misconfigurations").addObject().put("id", "PCS-CONFIG-001").put("message", text + "message");
    check.putObject("location").put("file", text + "path").put("line", 3).put("column", 0);
    ObjectNode decisions = JSON.createObjectNode();
    ObjectNode prod = decisions.putObject(text + "prod").put("decision", "deny").put("score", 40).put("grade", "F").put("scoreBeforeExceptions", 35);
    prod.putArray("rulesFired").addObject().put("rule", text + "rule").put("action", "deny").put("message", text + "rule message");
    ObjectNode used = prod.putArray("exceptionsUsed").addObject().put("id", text + "exception").put("scope", text + "scope")
        .put("approver", text + "approver").put("expires", "2024-06-01");
    used.putArray("findings").add(text + "excused");
    prod.putObject("policy").put("name", text + "policy");
    return new ImageStates.Stored(assessment.toString(), RiskReportJson.write(risk), decisions.toString(), 1_714_521_600_000L);
  }

  private static List<RiskFinding> findings(String text) {
    return List.of(
        new RiskFinding("CVE-2024-0001", List.of(text + "alias"), Kind.VULNERABILITY, Severity.CRITICAL, text + "pkg", text + "1.0", "pkg:x/y",
            false, true, 0.5, RiskFinding.Fix.FIXED, text + "1.1", false, text + "title", text + "lib/file.so"),
        RiskFinding.rule("PCS-CONFIG-001", Kind.MISCONFIGURATION, Severity.HIGH, false, text + "check", text + "path:3"),
        RiskFinding.rule(text + "id", Kind.SECRET, Severity.LOW, false, text + "secret", text + "secret-path"));
  }

  private static ImagePage.Placement placement(String registry, String repository, String state, String text) {
    return new ImagePage.Placement(registry, repository, state, 40, text + "summary", 1_000, 2_000, List.of(repository + ":" + text + "tag"),
        List.of(new ImagePage.Transition(null, "pending", text + "actor", text + "reason", 1_000),
            new ImagePage.Transition("pending", state, "scanner", text + "decided", 2_000)));
  }

  private static ImagePage.View view(String text, ImagePage.Filter filter, String state) {
    return new ImagePage.View(DIGEST, List.of(placement("dev", "team-a/app", state, text)),
        StoredAssessment.read(stored(text, findings(text)), "2024-04-30T00:00:00Z"), filter);
  }

  private static Document render(ViewContext ctx, ImagePage.View view) {
    String html = ImagePage.render(ctx, view);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    return doc;
  }

  @Test
  void hostileTextFromTheImageAndEveryoneElseStaysText() {
    String html = ImagePage.render(Pages.as(Role.DEVELOPER), view(HOSTILE, ImagePage.Filter.NONE, "quarantined"));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    for (String field : List.of("label", "value", "user", "message", "path:3", "lib/file.so", "title", "pkg", "1.0", "alias", "1.1", "id", "signer",
        "predicate", "attester", "result", "RUN make", "prod", "rule message", "exception", "approver", "excused", "summary", "tag", "actor",
        "reason", "decided")) {
      Pages.shows(doc, HOSTILE + field);
    }
    assertThat(doc.select("#findings-table tr[data-kind=secret]").attr("data-finding")).isEqualTo(HOSTILE + "id");
  }

  @Test
  void theSummaryDecisionsAndFactorsExplainTheScore() {
    Document doc = render(Pages.as(Role.VIEWER), view("", ImagePage.Filter.NONE, "quarantined"));
    assertThat(doc.select("#image-digest").text()).isEqualTo(DIGEST);
    assertThat(doc.select("#placements tbody td").eachText()).containsSubsequence("dev", "team-a/app", "team-a/app:tag", "quarantined", "40", "F");
    assertThat(doc.select("#decisions-table tr[data-stage=prod] td").eachText()).containsSubsequence("deny", "40", "F", "35");
    assertThat(doc.select("#factors-table tbody tr")).isNotEmpty();
    assertThat(doc.select("#factors-table").text()).contains("CVE-2024-0001");
    int score = Integer.parseInt(doc.select("#score-value").text());
    assertThat(score).isBetween(0, 99);
    assertThat(doc.select("#score-grade").text()).isIn("A", "B", "C", "D", "F");
    assertThat(doc.select("#labels").text()).contains("label", "value");
  }

  @Test
  void aCheckFindingShowsItsMessageAndLayersTheirBuildStep() {
    Document doc = render(Pages.as(Role.VIEWER), view("", ImagePage.Filter.NONE, "passed"));
    Element check = doc.selectFirst("#findings-table tr[data-finding=PCS-CONFIG-001]");
    assertThat(check).isNotNull();
    assertThat(check.select(".message").text()).isEqualTo("message");
    assertThat(doc.select("#layers-table tbody tr")).singleElement().satisfies(tr -> {
      assertThat(tr.select("code").attr("title")).isEqualTo(LAYER);
      assertThat(tr.text()).contains("RUN make", "unknown");
    });
    assertThat(doc.select("#signatures-table tbody tr").text()).contains("signer", "verified");
    assertThat(doc.select("#attestations-table tbody tr").text()).contains("predicate", "not verified", "77");
    assertThat(doc.select("#history-table tbody tr")).hasSize(2);
  }

  @Test
  void findingsAreFilteredByKindSeverityAndFix() {
    ViewContext ctx = Pages.as(Role.VIEWER);
    assertThat(ids(render(ctx, view("", ImagePage.Filter.NONE, "passed")))).containsExactly("CVE-2024-0001", "PCS-CONFIG-001", "id");
    assertThat(ids(render(ctx, view("", filter("kind", "misconfiguration"), "passed")))).containsExactly("PCS-CONFIG-001");
    assertThat(ids(render(ctx, view("", filter("severity", "low"), "passed")))).containsExactly("id");
    assertThat(ids(render(ctx, view("", filter("fix", "yes"), "passed")))).containsExactly("CVE-2024-0001");
    Document noFix = render(ctx, view("", filter("fix", "no"), "passed"));
    assertThat(ids(noFix)).containsExactly("PCS-CONFIG-001", "id");
    assertThat(noFix.select("#findings-count").text()).isEqualTo("2 of 3 findings");
    assertThat(noFix.select("#finding-fix option[selected]").val()).isEqualTo("no");
  }

  @Test
  void aBadFindingFilterIsRefusedNamingIt() {
    assertThatThrownBy(() -> filter("kind", "virus")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter kind: 'virus' is not one of vulnerability, misconfiguration, secret, debug");
    assertThatThrownBy(() -> filter("severity", "1; DROP TABLE x")).hasMessageStartingWith("filter severity: ");
    assertThatThrownBy(() -> filter("fix", "maybe")).hasMessage("filter fix: 'maybe' is not one of yes, no");
  }

  @Test
  void aDeveloperCanRequestAnExceptionForAFindingAndTheReleaseOfAQuarantinedImage() {
    Document doc = render(Pages.as(Role.DEVELOPER), view("", filter("exception", "CVE-2024-0001"), "quarantined"));
    Element form = doc.selectFirst("form#exception-request");
    assertThat(form).isNotNull();
    assertThat(form.attr("action")).isEqualTo("/v1/exceptions");
    assertThat(form.select("#exception-finding").val()).isEqualTo("CVE-2024-0001");
    assertThat(form.select("#exception-image option").eachAttr("value")).containsExactly("team-a/app");
    assertThat(form.select("#exception-justification").attr("name")).isEqualTo("justification");
    assertThat(form.select("#exception-expires").attr("name")).isEqualTo("expires");
    assertThat(form.select("input[name=next]").val()).isEqualTo("/ui/images/" + DIGEST);
    assertThat(doc.select("#findings-table a.exception-link").first().attr("href"))
        .isEqualTo("/ui/images/" + DIGEST + "?exception=CVE-2024-0001#exception-request");
    Element release = doc.selectFirst("form#release-request-dev");
    assertThat(release).isNotNull();
    assertThat(release.attr("action")).isEqualTo("/v1/releases");
    assertThat(release.select("input[name=registry]").val()).isEqualTo("dev");
    assertThat(release.select("input[name=digest]").val()).isEqualTo(DIGEST);
    assertThat(release.select("#release-justification-dev").attr("name")).isEqualTo("justification");
  }

  @Test
  void formsAreAbsentWithoutThePermission() {
    Document viewer = render(Pages.as(Role.VIEWER), view("", ImagePage.Filter.NONE, "quarantined"));
    assertThat(viewer.select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
    assertThat(viewer.select("a.exception-link")).isEmpty();
    Document security = render(Pages.as(Role.SECURITY), view("", ImagePage.Filter.NONE, "quarantined"));
    assertThat(security.select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
    Document otherTeam = render(Pages.as("bob", List.of(new Grant(Role.DEVELOPER, List.of("team-b/**")), Grant.everywhere(Role.VIEWER))),
        view("", ImagePage.Filter.NONE, "quarantined"));
    assertThat(otherTeam.select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
    Document passed = render(Pages.as(Role.DEVELOPER), view("", ImagePage.Filter.NONE, "passed"));
    assertThat(passed.select("form[method=post]").eachAttr("id")).containsExactly("logout-form", "exception-request");
  }

  @Test
  void anImageNotScannedYetSaysSo() {
    ImagePage.View v = new ImagePage.View(DIGEST, List.of(placement("dev", "team-a/app", "pending", "")), null, ImagePage.Filter.NONE);
    Document doc = render(Pages.as(Role.DEVELOPER), v);
    assertThat(doc.select("#not-scanned").text()).isEqualTo("Not scanned yet.");
    assertThat(doc.select("#findings, #exception-request")).isEmpty();
    assertThat(doc.select("#history-table tbody tr")).hasSize(2);
  }

  @Test
  void anUnreadableStoredResultShowsWhatCouldBeReadAndSaysWhatCouldNot() {
    StoredAssessment a = StoredAssessment.read(new ImageStates.Stored("{not json", "[]", "{}", 0), null);
    assertThat(a.problems()).containsExactly("the stored assessment is not JSON: JsonParseException", "the stored risk report is not a JSON object");
    Document doc = render(Pages.as(Role.VIEWER), new ImagePage.View(DIGEST, List.of(placement("dev", "r", "passed", "")), a, ImagePage.Filter.NONE));
    assertThat(doc.select(".flash-error").eachText()).hasSize(2);
    assertThat(doc.select("#factors").text()).contains("The score could not be read.");
  }

  @Test
  void everyLayerTheServerStoredIsListedWithItsSizeAndCommand() {
    String diff0 = "sha256:" + "0".repeat(64);
    String diff1 = "sha256:" + "1".repeat(64);
    String assessment = """
        {"subjectLayers":[{"index":0,"digest":"sha256:%s","diffId":"%s","size":1024,"createdBy":"ADD rootfs.tar /"},
          {"index":1,"digest":"sha256:%s","diffId":"%s","size":7,"createdBy":"COPY run /app/ <script>"}]}"""
        .formatted("a".repeat(64), diff0, "b".repeat(64), diff1);
    StoredAssessment a = StoredAssessment.read(new ImageStates.Stored(assessment, "{}", "{}", 0), null);
    assertThat(a.layers()).extracting(StoredAssessment.Layer::index, StoredAssessment.Layer::size, StoredAssessment.Layer::createdBy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 1024L, "ADD rootfs.tar /"),
            org.assertj.core.groups.Tuple.tuple(1, 7L, "COPY run /app/ <script>"));
    Document doc = render(Pages.as(Role.VIEWER), new ImagePage.View(DIGEST, List.of(placement("dev", "r", "passed", "")), a, ImagePage.Filter.NONE));
    assertThat(doc.select("#layers-table tbody tr")).hasSize(2);
    assertThat(doc.select("#layers-table").text()).contains("COPY run /app/ <script>");
    assertThat(doc.select("#layers-table script")).isEmpty();
  }

  @Test
  void twoThousandFindingsRender() {
    List<RiskFinding> many = new ArrayList<>();
    Kind[] kinds = Kind.values();
    for (int i = 0; i < 2000; i++) {
      Kind kind = kinds[i % kinds.length];
      many.add(kind == Kind.VULNERABILITY
          ? new RiskFinding(String.format("CVE-2024-%05d", i), List.of(), kind, Severity.values()[(i / 4) % 6], "pkg" + i, "1." + i, "pkg:x/pkg" + i,
              i % 2 == 0, false, null, i % 3 == 0 ? RiskFinding.Fix.FIXED : RiskFinding.Fix.NOT_FIXED, i % 3 == 0 ? "2.0" : null, false,
              "a <vulnerable> & old package", "/usr/lib/pkg" + i)
          : RiskFinding.rule(String.format("PCS-%05d", i), kind, Severity.HIGH, false, "check \"" + i + "\"", "/etc/conf" + i + ":1"));
    }
    ImagePage.View v = new ImagePage.View(DIGEST, List.of(placement("dev", "team-a/app", "quarantined", "")),
        StoredAssessment.read(stored("", many), null), ImagePage.Filter.NONE);
    Document doc = render(Pages.as(Role.DEVELOPER), v);
    assertThat(doc.select("#findings-table tbody tr")).hasSize(2000);
    assertThat(doc.select("#findings-count").text()).isEqualTo("2000 of 2000 findings");
    assertThat(doc.select("#findings-table tbody tr").first().attr("data-severity")).isEqualTo("critical");
    assertThat(doc.select("#findings-table a.exception-link")).hasSize(2000);
  }

  private static List<String> ids(Document doc) {
    return doc.select("#findings-table tbody tr").eachAttr("data-finding");
  }

  private static ImagePage.Filter filter(String name, String value) {
    Map<String, List<String>> q = new HashMap<>();
    q.put(name, List.of(value));
    return ImagePage.Filter.parse(q);
  }
}
