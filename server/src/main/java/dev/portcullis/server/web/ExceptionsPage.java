package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/exceptions}: the exception queue — requested, needing review (expired), approved,
 * rejected — with the forms to approve or reject ({@code POST /v1/exceptions/{id}/approve|reject},
 * field {@code reason}) and to request one ({@code POST /v1/exceptions}).
 *
 * <p>Element ids: tables {@code exceptions-requested}, {@code exceptions-needs-review},
 * {@code exceptions-approved}, {@code exceptions-rejected} (and {@code exceptions-other} for any
 * other state); rows {@code exception-ID}; forms {@code approve-exception-ID} (field
 * {@code approve-exception-reason-ID}, button {@code approve-exception-submit-ID}) and
 * {@code reject-exception-ID} (field {@code reject-exception-reason-ID}, button
 * {@code reject-exception-submit-ID}); the request form {@code exception-request} (fields
 * {@code exception-finding}, {@code exception-image}, {@code exception-justification},
 * {@code exception-expires}, button {@code exception-submit}).
 */
public final class ExceptionsPage {
  public static final String PATH = "/ui/exceptions";
  private static final Map<String, String> GROUPS = groups();

  private ExceptionsPage() {}

  private static Map<String, String> groups() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("requested", "Requested");
    m.put("needs-review", "Needs review (expired)");
    m.put("approved", "Approved");
    m.put("rejected", "Rejected");
    return m;
  }

  /**
   * One exception.
   *
   * @param finding the finding ID it excuses
   * @param repository the image (repository) it applies to
   * @param state {@code requested}, {@code needs-review}, {@code approved} or {@code rejected}
   * @param approver who approved or rejected it; {@code null} while undecided
   * @param reason the decider's reason ("" for none)
   */
  public record Row(String id, String finding, String repository, String justification, LocalDate expires, String state, String requester,
      @Nullable String approver, String reason, long createdAt) {
    /** Whether someone may still approve or reject it. */
    public boolean open() {
      return state.equals("requested") || state.equals("needs-review");
    }
  }

  public record View(List<Row> exceptions) {
    public View {
      exceptions = List.copyOf(exceptions);
    }
  }

  public static String render(ViewContext ctx, View view) {
    List<Row> visible = view.exceptions().stream().filter(e -> ctx.may(Permission.READ, e.repository())).toList();
    return Layout.page(ctx, "Exceptions", Layout.Section.EXCEPTIONS, 4096 + visible.size() * 1500, h -> {
      h.element("p", "An exception takes effect when someone other than its requester approves it, and needs review again when it expires.",
          "class", "meta");
      Map<String, List<Row>> byState = new LinkedHashMap<>();
      GROUPS.keySet().forEach(s -> byState.put(s, new ArrayList<>()));
      List<Row> other = new ArrayList<>();
      for (Row r : visible) {
        byState.getOrDefault(r.state(), other).add(r);
      }
      byState.forEach((state, rows) -> table(h, ctx, "exceptions-" + state, GROUPS.get(state), rows));
      if (!other.isEmpty()) {
        table(h, ctx, "exceptions-other", "Other", other);
      }
      if (ctx.may(Permission.REQUEST_EXCEPTION)) {
        h.open("section", "id", "request-exception");
        h.element("h2", "Request an exception");
        Forms.post(h, ctx.csrfToken(), ImagePage.EXCEPTION_ACTION, PATH, "exception-request", "stacked");
        Forms.input(h, "Finding ID", "finding", "exception-finding", "text", "", 200, true);
        Forms.input(h, "Image (repository)", "image", "exception-image", "text", "", 255, true);
        Forms.textarea(h, "Justification", "justification", "exception-justification", "", 10, 2000, 3, true);
        Forms.input(h, "Expires", "expires", "exception-expires", "date", "", 10, true);
        Forms.submit(h, "Request exception", "exception-submit", null);
        h.close("form");
        h.close("section");
      }
    });
  }

  private static void table(Html h, ViewContext ctx, String id, String title, List<Row> rows) {
    h.open("section", "class", "group");
    h.open("h2").text(title).text(" (").text(rows.size()).text(")").close();
    boolean anyDecidable = rows.stream().anyMatch(r -> r.open() && ctx.may(Permission.DECIDE_EXCEPTION, r.repository()));
    h.open("div", "class", "scroll");
    h.open("table", "id", id);
    h.open("thead").open("tr");
    for (String c : List.of("Finding", "Image", "Justification", "Expires", "State", "Requester", "Decided by", "Reason", "Requested")) {
      h.element("th", c, "scope", "col");
    }
    if (anyDecidable) {
      h.element("th", "Decide", "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    for (Row r : rows) {
      h.open("tr", "id", "exception-" + r.id(), "data-state", r.state(), "data-finding", r.finding(), "data-repository", r.repository());
      h.open("td").element("code", r.finding()).close();
      h.element("td", r.repository());
      h.element("td", r.justification(), "class", "prose");
      h.open("td").element("time", r.expires().toString(), "datetime", r.expires().toString()).close();
      h.open("td").element("span", r.state(), "class", "state state-" + r.state()).close();
      h.element("td", r.requester());
      h.element("td", r.approver() == null ? "" : r.approver());
      h.element("td", r.reason(), "class", "prose");
      h.open("td");
      Format.time(h, r.createdAt());
      h.close("td");
      if (anyDecidable) {
        h.open("td");
        if (r.open() && ctx.may(Permission.DECIDE_EXCEPTION, r.repository())) {
          String base = Url.path("/v1/exceptions/", r.id());
          Forms.post(h, ctx.csrfToken(), base + "/approve", PATH, "approve-exception-" + r.id(), "inline");
          h.empty("input", "type", "text", "name", "reason", "id", "approve-exception-reason-" + r.id(), "maxlength", "500", "placeholder",
              "reason (optional)", "aria-label", "reason for approving");
          Forms.submit(h, "Approve", "approve-exception-submit-" + r.id(), "approve");
          h.close("form");
          Forms.post(h, ctx.csrfToken(), base + "/reject", PATH, "reject-exception-" + r.id(), "inline");
          h.empty("input", "type", "text", "name", "reason", "id", "reject-exception-reason-" + r.id(), "maxlength", "500", "required", "",
              "placeholder", "reason", "aria-label", "reason for rejecting");
          Forms.submit(h, "Reject", "reject-exception-submit-" + r.id(), "reject");
          h.close("form");
        }
        h.close("td");
      }
      h.close("tr");
    }
    h.close("tbody").close("table").close("div");
    if (rows.isEmpty()) {
      h.element("p", "None.", "class", "empty");
    }
    h.close("section");
  }
}
