package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class SvgChartTest {
  private static final long DAY = 86_400_000L;

  private static Document chart(List<SvgChart.Point> points) {
    Document doc = Jsoup.parseBodyFragment(SvgChart.render(points, "c", "Scores").toString());
    for (Element e : doc.body().getAllElements()) {
      if (e != doc.body()) {
        assertThat(Pages.TAGS).contains(e.tagName());
        e.attributes().forEach(a -> assertThat(Pages.ATTRIBUTES).contains(a.getKey()));
      }
    }
    assertThat(doc.select("script, style, [style]")).isEmpty();
    return doc;
  }

  private static List<int[]> coordinates(Element polyline) {
    List<int[]> out = new ArrayList<>();
    for (String pair : polyline.attr("points").split(" ")) {
      String[] xy = pair.split(",");
      out.add(new int[] {Integer.parseInt(xy[0]), Integer.parseInt(xy[1])});
    }
    return out;
  }

  @Test
  void onePolylinePerSeriesInTimeOrderScaledToTheAxes() {
    Document doc = chart(List.of(new SvgChart.Point("b/app", 2 * DAY, 50), new SvgChart.Point("a/api", 0, 100), new SvgChart.Point("a/api", 4 * DAY, 0),
        new SvgChart.Point("a/api", 2 * DAY, 80)));
    assertThat(doc.select("g.series").eachAttr("data-series")).containsExactly("a/api", "b/app");
    assertThat(doc.select("g.series").eachAttr("class")).containsExactly("series series-0", "series series-1");
    List<int[]> a = coordinates(doc.selectFirst("g[data-series=a/api] polyline"));
    assertThat(a).hasSize(3);
    assertThat(a.get(0)).containsExactly(SvgChart.LEFT, SvgChart.TOP);
    assertThat(a.get(2)).containsExactly(SvgChart.WIDTH - SvgChart.RIGHT, SvgChart.HEIGHT - SvgChart.BOTTOM);
    assertThat(a.get(1)[0]).isEqualTo((SvgChart.LEFT + SvgChart.WIDTH - SvgChart.RIGHT) / 2);
    assertThat(a.get(1)[1]).isLessThan(SvgChart.y(50)).isGreaterThan(SvgChart.TOP);
    assertThat(doc.select("g[data-series=a/api] circle")).hasSize(3);
    assertThat(doc.select("g[data-series=a/api] circle title").eachText()).contains("a/api: 80 at 01-03 00:00");
    assertThat(doc.select("text.tick").eachText()).contains("0", "25", "50", "75", "100", "1970-01-01", "1970-01-05");
    assertThat(doc.select("ul.legend li").eachText()).containsExactly("a/api", "b/app");
    assertThat(doc.select("svg").attr("viewBox")).isEqualTo("0 0 800 320");
  }

  @Test
  void hostileSeriesNamesAndTitlesStayText() {
    Document doc = Jsoup.parseBodyFragment(SvgChart.render(List.of(new SvgChart.Point(HOSTILE, DAY, 40)), "c", HOSTILE + "title").toString());
    assertThat(doc.select("script, img, svg svg, [onload], [onerror]")).isEmpty();
    assertThat(doc.select("svg > title").text()).isEqualTo(HOSTILE + "title");
    assertThat(doc.select("ul.legend li").text()).isEqualTo(HOSTILE);
    assertThat(doc.select("g.series").attr("data-series")).isEqualTo(HOSTILE);
  }

  @Test
  void aSinglePointGetsADayAroundIt() {
    Document doc = chart(List.of(new SvgChart.Point("a", 10 * DAY, 70)));
    List<int[]> a = coordinates(doc.selectFirst("polyline"));
    assertThat(a.get(0)[0]).isEqualTo((SvgChart.LEFT + SvgChart.WIDTH - SvgChart.RIGHT) / 2);
    assertThat(doc.select("circle")).hasSize(1);
  }

  @Test
  void atMostTwelveSeriesAreDrawnAndTheCaptionSaysHowManyWereLeftOut() {
    List<SvgChart.Point> points = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      points.add(new SvgChart.Point(String.format("repo-%02d", i), DAY * i, 5 * i));
    }
    Document doc = chart(points);
    assertThat(doc.select("g.series")).hasSize(SvgChart.MAX_SERIES);
    assertThat(doc.select("g.series").last().attr("data-series")).isEqualTo("repo-11");
    assertThat(doc.select("#c-omitted").text()).isEqualTo("3 more series not drawn: filter to see them.");
  }

  @Test
  void manyPointsAreDrawnAsLinesWithoutMarkers() {
    List<SvgChart.Point> points = new ArrayList<>();
    for (int i = 0; i <= SvgChart.MAX_MARKED; i++) {
      points.add(new SvgChart.Point("a", 60_000L * i, i % 101));
    }
    Document doc = chart(points);
    assertThat(coordinates(doc.selectFirst("polyline"))).hasSize(SvgChart.MAX_MARKED + 1);
    assertThat(doc.select("circle")).isEmpty();
  }

  @Test
  void noPointsSaySo() {
    Document doc = chart(List.of());
    assertThat(doc.select("svg")).isEmpty();
    assertThat(doc.select("figure#c .empty").text()).isEqualTo("No scores to draw yet.");
  }

  @Test
  void aScoreIsZeroToHundred() {
    assertThatThrownBy(() -> new SvgChart.Point("a", 0, 101)).isInstanceOf(IllegalArgumentException.class).hasMessage("a score is 0 to 100, not 101");
  }
}
