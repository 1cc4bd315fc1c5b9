package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.CSRF;
import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Role;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagesPageTest {
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);
  private static final String D3 = "sha256:" + "3".repeat(64);
  private static final List<ImagesPage.Row> ROWS = List.of(
      new ImagesPage.Row("dev", "team-a/api", D1, "passed", 95, Map.of("dev", "allow", "prod", "allow"), 3_000),
      new ImagesPage.Row("dev", "team-b/web", D2, "quarantined", 31, Map.of("dev", "warn", "prod", "deny"), 1_000),
      new ImagesPage.Row("prod", "team-a/worker", D3, "pending", null, Map.of(), 2_000));

  private static List<String> digests(Document doc) {
    return doc.select("#images tbody tr").stream().map(tr -> tr.attr("data-digest")).toList();
  }

  private static Map<String, List<String>> query(String... nameValues) {
    java.util.Map<String, List<String>> m = new java.util.HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], List.of(nameValues[i + 1]));
    }
    return m;
  }

  private static Document render(ViewContext ctx, ImagesPage.Filter filter) {
    String html = ImagesPage.render(ctx, new ImagesPage.View(ROWS, filter, List.of("dev", "prod")));
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    return doc;
  }

  @Test
  void everyImageWithItsScoreGradeAndDecisionPerStage() {
    Document doc = render(Pages.as(Role.VIEWER), ImagesPage.Filter.DEFAULT);
    assertThat(digests(doc)).containsExactly(D1, D3, D2);
    Element quarantined = doc.selectFirst("#images tr[data-digest=" + D2 + "]");
    assertThat(quarantined).isNotNull();
    assertThat(quarantined.select("td").eachText()).containsSubsequence("team-b/web", "dev", "quarantined", "31", "F", "warn", "deny");
    assertThat(doc.select("#images thead th").eachText()).contains("dev", "prod");
    assertThat(doc.select("#images-count").text()).isEqualTo("3 of 3 images");
    assertThat(doc.select("#images a[href=/ui/images/" + D1 + "]")).isNotEmpty();
  }

  @Test
  void hostileTextInEveryFieldStaysText() {
    List<ImagesPage.Row> rows = List.of(new ImagesPage.Row(HOSTILE + "reg", HOSTILE + "repo", HOSTILE + "digest", HOSTILE + "state", 50,
        Map.of(HOSTILE + "stage", HOSTILE + "decision"), 0));
    ViewContext ctx = new ViewContext(Identity.user(HOSTILE + "name", List.of(Grant.everywhere(Role.VIEWER)), ""), CSRF,
        new ViewContext.Flash(true, HOSTILE + "flash"));
    ImagesPage.Filter filter = new ImagesPage.Filter("", HOSTILE, "", ImagesPage.Sort.TIME, true);
    String html = ImagesPage.render(ctx, new ImagesPage.View(rows, filter, List.of()));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    assertThat(doc.select("#whoami").text()).isEqualTo(HOSTILE + "name");
    assertThat(doc.select("#flash").text()).isEqualTo(HOSTILE + "flash");
    assertThat(doc.select("#filter-q").val()).isEqualTo(HOSTILE);
    // the filter does not match (the repository is not a substring of the query), so render again without it
    Document all = Pages.parse(ImagesPage.render(ctx, new ImagesPage.View(rows, ImagesPage.Filter.DEFAULT, List.of())));
    for (String field : List.of("reg", "repo", "state", "stage", "decision")) {
      Pages.shows(all, HOSTILE + field);
    }
    assertThat(all.select("#images tbody tr").attr("data-digest")).isEqualTo(HOSTILE + "digest");
  }

  @Test
  void filtersByStateGradeAndRepository() {
    ViewContext ctx = Pages.as(Role.VIEWER);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("state", "quarantined"))))).containsExactly(D2);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("grade", "A"))))).containsExactly(D1);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("q", "TEAM-A"))))).containsExactly(D1, D3);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("q", "2222"))))).containsExactly(D2);
    Document none = render(ctx, ImagesPage.Filter.parse(query("q", "' OR 1=1 --; DROP TABLE images")));
    assertThat(digests(none)).isEmpty();
    assertThat(none.select(".empty").text()).isEqualTo("No image matches the filter.");
  }

  @Test
  void sortsByScoreTimeAndRepositoryEitherWay() {
    ViewContext ctx = Pages.as(Role.VIEWER);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("sort", "score"))))).containsExactly(D1, D2, D3);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("sort", "score", "dir", "asc"))))).containsExactly(D3, D2, D1);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("sort", "repository"))))).containsExactly(D1, D3, D2);
    assertThat(digests(render(ctx, ImagesPage.Filter.parse(query("sort", "time", "dir", "asc"))))).containsExactly(D2, D3, D1);
  }

  @Test
  void sortLinksKeepTheFiltersAndToggleTheDirection() {
    Document doc = render(Pages.as(Role.VIEWER), ImagesPage.Filter.parse(query("state", "passed", "q", "a b", "sort", "score")));
    assertThat(doc.select("#sort-score").attr("href")).isEqualTo("/ui/images?state=passed&q=a+b&sort=score&dir=asc");
    assertThat(doc.select("#sort-repository").attr("href")).isEqualTo("/ui/images?state=passed&q=a+b&sort=repository&dir=asc");
    assertThat(doc.select("#sort-time").attr("href")).isEqualTo("/ui/images?state=passed&q=a+b&sort=time&dir=desc");
    assertThat(doc.select("#filter-state option[selected]").val()).isEqualTo("passed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"state=passed' OR '1'='1", "grade=Z", "sort=name", "dir=up"})
  void aBadFilterIsRefusedInOneLineNamingIt(String param) {
    String[] kv = param.split("=", 2);
    assertThatThrownBy(() -> ImagesPage.Filter.parse(query(kv[0], kv[1]))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("filter " + kv[0] + ": ").hasMessageContaining("is not one of").hasMessageNotContaining("\n");
  }

  @Test
  void anOverlongQueryIsRefused() {
    assertThatThrownBy(() -> ImagesPage.Filter.parse(query("q", "x".repeat(201)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter q: longer than 200 characters");
  }

  @Test
  void onlyImagesInTheIdentitysRepositoriesAreListed() {
    ViewContext teamA = Pages.as("bob", List.of(new Grant(Role.DEVELOPER, List.of("team-a/**"))));
    assertThat(digests(render(teamA, ImagesPage.Filter.DEFAULT))).containsExactly(D1, D3);
  }

  @Test
  void theNavigationShowsTheAuditTrailOnlyToThoseWhoMayReadIt() {
    Document viewer = render(Pages.as(Role.VIEWER), ImagesPage.Filter.DEFAULT);
    assertThat(viewer.select("#nav a").eachText()).containsExactly("Images", "Quarantine", "Exceptions", "Promotions", "Workloads", "Policies", "Trends");
    assertThat(viewer.select("#nav-images").attr("aria-current")).isEqualTo("page");
    Document auditor = render(Pages.as(Role.AUDITOR), ImagesPage.Filter.DEFAULT);
    assertThat(auditor.select("#nav-audit").attr("href")).isEqualTo("/ui/audit");
    assertThat(auditor.select("#logout-form").attr("action")).isEqualTo("/v1/logout");
  }
}
