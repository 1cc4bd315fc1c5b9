package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Role;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class TrendsPageTest {
  private static final List<SvgChart.Point> POINTS = List.of(new SvgChart.Point("team-a/api", 1_000, 60), new SvgChart.Point("team-a/api", 9_000_000, 90),
      new SvgChart.Point("team-b/web", 5_000, 30));

  @Test
  void aChartAndTheLatestScoreOfEachRepository() {
    Document doc = Pages.parse(TrendsPage.render(Pages.as(Role.VIEWER), new TrendsPage.View(POINTS, "")));
    Pages.formsCarryCsrf(doc);
    assertThat(doc.select("#trend-chart g.series").eachAttr("data-series")).containsExactly("team-a/api", "team-b/web");
    assertThat(doc.select("#trend-latest tbody tr").eachAttr("data-series")).containsExactly("team-a/api", "team-b/web");
    assertThat(doc.select("#trend-latest tr[data-series=team-a/api] td.num").text()).isEqualTo("90");
  }

  @Test
  void filteredByRepositoryAndByWhatTheIdentityMayRead() {
    Document filtered = Pages.parse(TrendsPage.render(Pages.as(Role.VIEWER), new TrendsPage.View(POINTS, "B/W")));
    assertThat(filtered.select("#trend-chart g.series").eachAttr("data-series")).containsExactly("team-b/web");
    assertThat(filtered.select("#trend-q").val()).isEqualTo("B/W");
    Document scoped = Pages.parse(TrendsPage.render(Pages.as("gina", List.of(new Grant(Role.VIEWER, List.of("team-a/**")))),
        new TrendsPage.View(POINTS, "")));
    assertThat(scoped.select("#trend-latest tbody tr").eachAttr("data-series")).containsExactly("team-a/api");
  }

  @Test
  void hostileRepositoryNamesAndQueriesStayText() {
    String html = TrendsPage.render(Pages.as(Role.VIEWER), new TrendsPage.View(List.of(new SvgChart.Point(HOSTILE + "repo", 0, 10)), HOSTILE));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    assertThat(doc.select("#trend-q").val()).isEqualTo(HOSTILE);
    Document all = Pages.parse(TrendsPage.render(Pages.as(Role.VIEWER), new TrendsPage.View(List.of(new SvgChart.Point(HOSTILE + "repo", 0, 10)), "")));
    Pages.shows(all, HOSTILE + "repo");
    assertThat(all.select("#trend-chart g.series").attr("data-series")).isEqualTo(HOSTILE + "repo");
  }
}
