package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /ui/trends?q=}: each repository's score over time as a chart drawn on the server, and
 * its latest score as a table (what the chart shows, readable without it).
 *
 * <p>Element ids: the filter form {@code trend-filter} (field {@code trend-q}), the figure
 * {@code trend-chart} (its {@code svg} has one {@code g.series} per repository, with
 * {@code data-series}), the table {@code trend-latest}.
 */
public final class TrendsPage {
  public static final String PATH = "/ui/trends";

  private TrendsPage() {}

  /**
   * @param points the scores to draw, one series per repository (the page keeps those the identity may read)
   * @param query only repositories containing this, ignoring case ("" for all)
   */
  public record View(List<SvgChart.Point> points, String query) {
    public View {
      points = List.copyOf(points);
      if (query.length() > 200) {
        throw new IllegalArgumentException("filter q: longer than 200 characters");
      }
    }

    /** The query's {@code q}. @throws IllegalArgumentException when it is too long */
    public static String parseQuery(Map<String, List<String>> params) {
      return Query.text(params, "q", 200);
    }
  }

  public static String render(ViewContext ctx, View view) {
    String q = view.query().toLowerCase(Locale.ROOT);
    List<SvgChart.Point> shown = view.points().stream()
        .filter(p -> p.series().toLowerCase(Locale.ROOT).contains(q) && ctx.may(Permission.READ, p.series())).toList();
    Map<String, SvgChart.Point> latest = new TreeMap<>();
    for (SvgChart.Point p : shown) {
      latest.merge(p.series(), p, (a, b) -> b.time() > a.time() ? b : a);
    }
    return Layout.page(ctx, "Score trends", Layout.Section.TRENDS, 8192 + shown.size() * 160, h -> {
      h.open("form", "method", "get", "action", PATH, "id", "trend-filter", "class", "filters");
      Forms.input(h, "Repository", "q", "trend-q", "search", view.query(), 200, false);
      Forms.submit(h, "Filter", "trend-filter-submit", null);
      h.link(PATH, "Clear", "id", "trend-filter-clear");
      h.close("form");
      h.append(SvgChart.render(shown, "trend-chart", "Score per repository over time"));
      h.element("h2", "Latest score");
      h.open("div", "class", "scroll");
      h.open("table", "id", "trend-latest");
      h.open("thead").open("tr").element("th", "Repository", "scope", "col").element("th", "Score", "scope", "col")
          .element("th", "At", "scope", "col").close("tr").close("thead");
      h.open("tbody");
      latest.forEach((repository, p) -> {
        h.open("tr", "data-series", repository);
        h.element("td", repository);
        h.element("td", String.valueOf(p.score()), "class", "num");
        h.open("td");
        Format.time(h, p.time());
        h.close("td");
        h.close("tr");
      });
      h.close("tbody").close("table").close("div");
    });
  }
}
