package dev.portcullis.server.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A line chart of scores over time drawn on the server as SVG: time on x, the score (0–100) on y,
 * one polyline per series, labelled axes and a legend. Colours come from the stylesheet's
 * {@code series-0} … {@code series-11} classes (no inline style); every label is text through
 * {@link Html}. At most {@link #MAX_SERIES} series are drawn (the first by name); the caption says
 * how many were left out.
 */
public final class SvgChart {
  /** The most series one chart draws; the stylesheet has a colour for each. */
  public static final int MAX_SERIES = 12;
  /** Points are marked (with a tooltip) only up to this many in all, so a long history stays light. */
  static final int MAX_MARKED = 600;
  static final int WIDTH = 800;
  static final int HEIGHT = 320;
  static final int LEFT = 48;
  static final int RIGHT = 16;
  static final int TOP = 24;
  static final int BOTTOM = 40;
  private static final long DAY = 86_400_000L;
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private SvgChart() {}

  /** One score of one series (a repository) at a time (epoch milliseconds). */
  public record Point(String series, long time, int score) {
    public Point {
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException("a score is 0 to 100, not " + score);
      }
    }
  }

  /**
   * The chart as a {@code <figure id="ID">} holding the {@code <svg>} and its legend; with no
   * points, a figure that says so.
   */
  public static Html render(List<Point> points, String id, String title) {
    Map<String, List<Point>> bySeries = new TreeMap<>();
    for (Point p : points) {
      bySeries.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
    }
    List<String> names = new ArrayList<>(bySeries.keySet());
    List<String> drawn = names.subList(0, Math.min(MAX_SERIES, names.size()));
    Html h = new Html(2048 + points.size() * 120);
    h.open("figure", "id", id, "class", "chart");
    if (drawn.isEmpty()) {
      h.element("p", "No scores to draw yet.", "class", "empty");
      return h.close("figure");
    }
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    int count = 0;
    for (String name : drawn) {
      for (Point p : bySeries.get(name)) {
        t0 = Math.min(t0, p.time());
        t1 = Math.max(t1, p.time());
        count++;
      }
    }
    if (t1 - t0 < 60_000L) {
      // one moment: give the axis a day around it
      t0 -= DAY / 2;
      t1 += DAY / 2;
    }
    h.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + WIDTH + " " + HEIGHT, "role", "img", "aria-labelledby",
        id + "-title", "class", "chart-svg");
    h.element("title", title, "id", id + "-title");
    int plotBottom = HEIGHT - BOTTOM;
    for (int score = 0; score <= 100; score += 25) {
      int y = y(score);
      h.open("line", "x1", String.valueOf(LEFT), "y1", String.valueOf(y), "x2", String.valueOf(WIDTH - RIGHT), "y2", String.valueOf(y), "class",
          score == 0 ? "axis" : "grid").close();
      h.element("text", String.valueOf(score), "x", String.valueOf(LEFT - 6), "y", String.valueOf(y + 4), "text-anchor", "end", "class", "tick");
    }
    h.open("line", "x1", String.valueOf(LEFT), "y1", String.valueOf(TOP), "x2", String.valueOf(LEFT), "y2", String.valueOf(plotBottom), "class",
        "axis").close();
    DateTimeFormatter labels = t1 - t0 < 2 * DAY ? HOUR : DATE;
    for (int i = 0; i <= 4; i++) {
      long t = t0 + (t1 - t0) * i / 4;
      int x = x(t, t0, t1);
      h.open("line", "x1", String.valueOf(x), "y1", String.valueOf(plotBottom), "x2", String.valueOf(x), "y2", String.valueOf(plotBottom + 4),
          "class", "axis").close();
      h.element("text", labels.format(Instant.ofEpochMilli(t)), "x", String.valueOf(x), "y", String.valueOf(plotBottom + 18), "text-anchor",
          i == 0 ? "start" : i == 4 ? "end" : "middle", "class", "tick");
    }
    h.element("text", "score", "x", "4", "y", "12", "class", "axis-label");
    h.element("text", "time (UTC)", "x", String.valueOf(WIDTH - RIGHT), "y", String.valueOf(HEIGHT - 4), "text-anchor", "end", "class",
        "axis-label");
    boolean mark = count <= MAX_MARKED;
    for (int s = 0; s < drawn.size(); s++) {
      String name = drawn.get(s);
      List<Point> series = new ArrayList<>(bySeries.get(name));
      series.sort(Comparator.comparingLong(Point::time));
      StringBuilder coordinates = new StringBuilder(series.size() * 8);
      for (Point p : series) {
        if (!coordinates.isEmpty()) {
          coordinates.append(' ');
        }
        coordinates.append(x(p.time(), t0, t1)).append(',').append(y(p.score()));
      }
      h.open("g", "class", "series series-" + s, "data-series", name);
      h.element("title", name);
      h.open("polyline", "points", coordinates.toString(), "class", "line").close();
      if (mark || series.size() == 1) {
        for (Point p : series) {
          h.open("circle", "cx", String.valueOf(x(p.time(), t0, t1)), "cy", String.valueOf(y(p.score())), "r", "3", "class", "point");
          h.element("title", name + ": " + p.score() + " at " + HOUR.format(Instant.ofEpochMilli(p.time())));
          h.close("circle");
        }
      }
      h.close("g");
    }
    h.close("svg");
    h.open("figcaption");
    h.open("ul", "class", "legend");
    for (int s = 0; s < drawn.size(); s++) {
      h.open("li").open("span", "class", "swatch series-" + s, "aria-hidden", "true").close().text(drawn.get(s)).close();
    }
    h.close("ul");
    if (names.size() > drawn.size()) {
      h.open("p", "class", "meta", "id", id + "-omitted").text(names.size() - drawn.size())
          .text(" more series not drawn: filter to see them.").close();
    }
    h.close("figcaption");
    return h.close("figure");
  }

  static int x(long t, long t0, long t1) {
    return LEFT + (int) Math.round((double) (t - t0) * (WIDTH - LEFT - RIGHT) / (t1 - t0));
  }

  static int y(int score) {
    return TOP + (int) Math.round((100 - score) * (double) (HEIGHT - TOP - BOTTOM) / 100);
  }
}
