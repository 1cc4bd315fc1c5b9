package dev.portcullis.server.web;

import dev.portcullis.policy.score.Grade;
import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/images?state=&q=&grade=&sort=&dir=}: every image the identity may read, with its
 * state, score, grade and the decision of each stage, filtered and sorted by the query (links and a
 * GET form, no script). Element ids: {@code image-filter} (fields {@code filter-state},
 * {@code filter-q}, {@code filter-grade}), the table {@code images} whose rows carry
 * {@code data-registry}, {@code data-repository} and {@code data-digest}; sort links
 * {@code sort-score}, {@code sort-time}, {@code sort-repository}.
 */
public final class ImagesPage {
  public static final String PATH = "/ui/images";

  private ImagesPage() {}

  /**
   * One image in one registry.
   *
   * @param state the state's label ({@code quarantined}, ...)
   * @param score 0–100; {@code null} before the first scan
   * @param decisions each stage's decision ({@code allow}, {@code warn}, {@code deny}) from the stored result
   * @param updatedAt when its state last changed (epoch milliseconds)
   */
  public record Row(String registry, String repository, String digest, String state, @Nullable Integer score, Map<String, String> decisions,
      long updatedAt) {
    public Row {
      if (score != null && (score < 0 || score > 100)) {
        throw new IllegalArgumentException("a score is 0 to 100, not " + score);
      }
      decisions = Collections.unmodifiableMap(new TreeMap<>(decisions));
    }

    /** The row of a stored image; {@code decisions} as {@link StoredAssessment#decisionLabels} reads them. */
    public static Row of(ImageStates.Image image, Map<String, String> decisions) {
      return new Row(image.registry(), image.repository(), image.digest(), image.state().label(), image.score(), decisions, image.updatedAt());
    }

    /** The letter of the score; empty before the first scan. */
    public Optional<String> grade() {
      return score == null ? Optional.empty() : Optional.of(Grade.of(score).name());
    }
  }

  /** What the list can be sorted by. */
  public enum Sort {
    TIME, SCORE, REPOSITORY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The list's filters and order, as the query gives them.
   *
   * @param state only images in this state ("" for any)
   * @param query only images whose repository or digest contains this, ignoring case ("" for any)
   * @param grade only images of this grade ("" for any)
   */
  public record Filter(String state, String query, String grade, Sort sort, boolean descending) {
    /** Every image, most recently changed first. */
    public static final Filter DEFAULT = new Filter("", "", "", Sort.TIME, true);
    private static final List<String> STATES = Arrays.stream(ImageState.values()).map(ImageState::label).toList();
    private static final List<String> GRADES = Arrays.stream(Grade.values()).map(Grade::name).toList();

    public Filter {
      if (!state.isEmpty() && !STATES.contains(state)) {
        throw new IllegalArgumentException("filter state: '" + state + "' is not one of " + String.join(", ", STATES));
      }
      if (!grade.isEmpty() && !GRADES.contains(grade)) {
        throw new IllegalArgumentException("filter grade: '" + grade + "' is not one of " + String.join(", ", GRADES));
      }
      if (query.length() > 200) {
        throw new IllegalArgumentException("filter q: longer than 200 characters");
      }
    }

    /**
     * Reads {@code state}, {@code q}, {@code grade}, {@code sort} ({@code time}, {@code score},
     * {@code repository}) and {@code dir} ({@code asc}, {@code desc}; default: descending by time and
     * score, ascending by repository); other parameters are ignored.
     *
     * @throws IllegalArgumentException in one line, naming the parameter and what it accepts
     */
    public static Filter parse(Map<String, List<String>> params) {
      String state = Query.oneOf(params, "state", Set.copyOf(STATES), STATES);
      String grade = Query.oneOf(params, "grade", Set.copyOf(GRADES), GRADES);
      String q = Query.text(params, "q", 200);
      List<String> sorts = Arrays.stream(Sort.values()).map(Sort::label).toList();
      String sort = Query.oneOf(params, "sort", Set.copyOf(sorts), sorts);
      String dir = Query.oneOf(params, "dir", Set.of("asc", "desc"), List.of("asc", "desc"));
      Sort by = sort.isEmpty() ? Sort.TIME : Sort.valueOf(sort.toUpperCase(Locale.ROOT));
      boolean descending = dir.isEmpty() ? by != Sort.REPOSITORY : dir.equals("desc");
      return new Filter(state, q, grade, by, descending);
    }

    public boolean matches(Row r) {
      if (!state.isEmpty() && !state.equals(r.state())) {
        return false;
      }
      if (!grade.isEmpty() && !r.grade().map(grade::equals).orElse(false)) {
        return false;
      }
      if (query.isEmpty()) {
        return true;
      }
      String q = query.toLowerCase(Locale.ROOT);
      return r.repository().toLowerCase(Locale.ROOT).contains(q) || r.digest().contains(q);
    }

    /** The rows that match, in the filter's order (ties: repository, registry, digest). */
    public List<Row> apply(List<Row> rows) {
      Comparator<Row> order = switch (sort) {
        case TIME -> Comparator.comparingLong(Row::updatedAt);
        // an image not scanned yet sorts below every score
        case SCORE -> Comparator.comparingInt(r -> r.score() == null ? -1 : r.score());
        case REPOSITORY -> Comparator.comparing(Row::repository);
      };
      if (descending) {
        order = order.reversed();
      }
      order = order.thenComparing(Row::repository).thenComparing(Row::registry).thenComparing(Row::digest);
      return rows.stream().filter(this::matches).sorted(order).toList();
    }

    /** The query string of this filter sorted by {@code by} (toggling the direction when it already is). */
    String sortedBy(Sort by) {
      boolean desc = by == sort ? !descending : by != Sort.REPOSITORY;
      return Url.query(PATH, "state", state, "q", query, "grade", grade, "sort", by.label(), "dir", desc ? "desc" : "asc");
    }
  }

  /**
   * @param images every image the server lists (the page filters and sorts them)
   * @param stages the policy's stages, in the order their columns appear; empty: those the rows name, sorted
   */
  public record View(List<Row> images, Filter filter, List<String> stages) {
    public View {
      images = List.copyOf(images);
      stages = List.copyOf(stages);
    }
  }

  public static String render(ViewContext ctx, View view) {
    List<Row> visible = new ArrayList<>();
    for (Row r : view.images()) {
      if (ctx.may(Permission.READ, r.repository())) {
        visible.add(r);
      }
    }
    List<Row> shown = view.filter().apply(visible);
    List<String> stages = view.stages().isEmpty()
        ? List.copyOf(visible.stream().flatMap(r -> r.decisions().keySet().stream()).collect(Collectors.toCollection(TreeSet::new)))
        : view.stages();
    Filter f = view.filter();
    return Layout.page(ctx, "Images", Layout.Section.IMAGES, 4096 + shown.size() * 600, h -> {
      h.open("form", "method", "get", "action", PATH, "id", "image-filter", "class", "filters");
      List<String> states = new ArrayList<>(List.of("", "any state"));
      for (ImageState s : ImageState.values()) {
        states.add(s.label());
        states.add(s.label());
      }
      Forms.select(h, "State", "state", "filter-state", f.state(), states.toArray(String[]::new));
      Forms.input(h, "Repository or digest", "q", "filter-q", "search", f.query(), 200, false);
      List<String> grades = new ArrayList<>(List.of("", "any grade"));
      for (Grade g : Grade.values()) {
        grades.add(g.name());
        grades.add(g.name());
      }
      Forms.select(h, "Grade", "grade", "filter-grade", f.grade(), grades.toArray(String[]::new));
      h.empty("input", "type", "hidden", "name", "sort", "value", f.sort().label());
      h.empty("input", "type", "hidden", "name", "dir", "value", f.descending() ? "desc" : "asc");
      Forms.submit(h, "Filter", "filter-submit", null);
      h.link(PATH, "Clear", "id", "filter-clear");
      h.close("form");
      h.open("p", "class", "count", "id", "images-count").text(shown.size()).text(" of ").text(visible.size()).text(" images").close();
      h.open("div", "class", "scroll");
      h.open("table", "id", "images");
      h.open("thead").open("tr");
      sortHeader(h, f, Sort.REPOSITORY, "Repository");
      h.element("th", "Registry", "scope", "col");
      h.element("th", "Digest", "scope", "col");
      h.element("th", "State", "scope", "col");
      sortHeader(h, f, Sort.SCORE, "Score");
      h.element("th", "Grade", "scope", "col");
      for (String stage : stages) {
        h.element("th", stage, "scope", "col", "class", "stage");
      }
      sortHeader(h, f, Sort.TIME, "Updated");
      h.close("tr").close("thead");
      h.open("tbody");
      for (Row r : shown) {
        String link = Url.path(ImagePage.PATH_PREFIX, r.digest());
        h.open("tr", "data-registry", r.registry(), "data-repository", r.repository(), "data-digest", r.digest());
        h.open("td").link(link, r.repository()).close();
        h.element("td", r.registry());
        h.open("td").open("code").link(link, Format.shortDigest(r.digest()), "title", r.digest()).close().close();
        h.open("td").element("span", r.state(), "class", "state state-" + r.state()).close();
        h.element("td", r.score() == null ? "–" : String.valueOf(r.score()), "class", "num");
        h.open("td").element("span", r.grade().orElse("–"), "class", "grade grade-" + r.grade().orElse("none")).close();
        for (String stage : stages) {
          String d = r.decisions().get(stage);
          h.open("td", "class", "stage");
          if (d == null) {
            h.text("–");
          } else {
            h.element("span", d, "class", "decision decision-" + d);
          }
          h.close("td");
        }
        h.open("td");
        Format.time(h, r.updatedAt());
        h.close("td");
        h.close("tr");
      }
      h.close("tbody");
      h.close("table");
      h.close("div");
      if (shown.isEmpty()) {
        h.element("p", visible.isEmpty() ? "No images yet: push one to a configured registry." : "No image matches the filter.", "class",
            "empty");
      }
    });
  }

  private static void sortHeader(Html h, Filter f, Sort by, String label) {
    String arrow = f.sort() == by ? (f.descending() ? " ↓" : " ↑") : "";
    h.open("th", "scope", "col", "aria-sort", f.sort() == by ? (f.descending() ? "descending" : "ascending") : null);
    h.link(f.sortedBy(by), label + arrow, "id", "sort-" + by.label());
    h.close("th");
  }
}
