package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/workloads}: every workload whose behaviour was learned, with its profile's revision and learning
 * status, its mode and the form to switch it ({@code POST /v1/workloads/{workload}/mode}), its newest violations,
 * and the topology of all workloads as a picture ({@code GET /ui/workloads/topology.svg}).
 *
 * <p>Element ids: the table {@code workloads}, its rows {@code workload-NAME} (with {@code data-mode}); forms
 * {@code mode-NAME} (select {@code mode-select-NAME}, button {@code mode-submit-NAME}); the list {@code violations},
 * its items {@code violation-N}; the picture {@code topology}.
 */
public final class WorkloadsPage {
  public static final String PATH = "/ui/workloads";
  public static final String TOPOLOGY = "/ui/workloads/topology.svg";

  private WorkloadsPage() {}

  /** One workload's row. */
  public record Workload(String name, @Nullable Integer revision, @Nullable String status, boolean complete,
      @Nullable Integer flows, @Nullable Integer processes, @Nullable String mode, long violations) {}

  /** One violation, newest first. */
  public record Violation(String workload, long seenAt, String outcome, String description) {}

  /** What the page shows; {@code topology} tells whether the picture can be drawn (Graphviz present, profiles kept). */
  public record View(List<Workload> workloads, List<Violation> violations, boolean topology) {
    public View {
      workloads = List.copyOf(workloads);
      violations = List.copyOf(violations);
    }
  }

  public static String render(ViewContext ctx, View view) {
    return Layout.page(ctx, "Workloads", Layout.Section.WORKLOADS, 4096 + view.workloads().size() * 1024
        + view.violations().size() * 256, h -> {
          h.open("p", "class", "count", "id", "workloads-count").text(view.workloads().size())
              .text(view.workloads().size() == 1 ? " workload" : " workloads")
              .text(": behaviour learned before production, enforced in monitor (report) or protect (stop) mode.")
              .close();
          if (view.workloads().isEmpty()) {
            h.element("p", "No workload has sent a profile yet (portcullis learn --server).", "class", "empty");
          } else {
            table(h, ctx, view.workloads());
          }
          if (view.topology()) {
            h.element("h2", "Topology");
            h.empty("img", "id", "topology", "src", TOPOLOGY, "alt", "the workloads and the flows between them");
          }
          h.element("h2", "Newest violations");
          if (view.violations().isEmpty()) {
            h.element("p", "No violation reported.", "class", "empty");
          } else {
            h.open("ul", "id", "violations");
            int n = 0;
            for (Violation v : view.violations()) {
              h.open("li", "id", "violation-" + n++, "data-outcome", v.outcome());
              Format.time(h, v.seenAt());
              h.text(" ").element("span", v.outcome(), "class", "state state-" + v.outcome()).text(" ")
                  .text(v.description());
              h.close("li");
            }
            h.close("ul");
          }
        });
  }

  private static void table(Html h, ViewContext ctx, List<Workload> workloads) {
    boolean maySwitch = ctx.may(Permission.SET_WORKLOAD_MODE);
    h.open("div", "class", "scroll");
    h.open("table", "id", "workloads");
    h.open("thead").open("tr");
    for (String c : List.of("Workload", "Revision", "Learning", "Flows", "Processes", "Violations", "Mode")) {
      h.element("th", c, "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    for (Workload w : workloads) {
      h.open("tr", "id", "workload-" + w.name(), "data-mode", w.mode() == null ? "none" : w.mode());
      h.element("td", w.name());
      h.element("td", w.revision() == null ? "–" : String.valueOf(w.revision()));
      h.element("td", w.status() == null ? "no profile" : w.status(), "class", w.complete() ? "complete" : "learning");
      h.element("td", w.flows() == null ? "–" : String.valueOf(w.flows()));
      h.element("td", w.processes() == null ? "–" : String.valueOf(w.processes()));
      h.element("td", String.valueOf(w.violations()));
      h.open("td");
      h.element("span", w.mode() == null ? "not set" : w.mode(), "class", "state state-" + (w.mode() == null ? "none"
          : w.mode()));
      if (maySwitch) {
        Forms.post(h, ctx.csrfToken(), Url.path("/v1/workloads/", w.name()) + "/mode", PATH, "mode-" + w.name(),
            "inline");
        Forms.select(h, "Mode", "mode", "mode-select-" + w.name(), w.mode() == null ? "monitor" : w.mode(),
            "monitor", "monitor", "protect", "protect");
        Forms.submit(h, "Switch", "mode-submit-" + w.name(), null);
        h.close("form");
      }
      h.close("td");
      h.close("tr");
    }
    h.close("tbody").close("table").close("div");
  }
}
