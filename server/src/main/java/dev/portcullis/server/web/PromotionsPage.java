package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.Promotions;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/promotions}: promotions waiting for an approver, with the forms to approve or
 * reject them ({@code POST /v1/promotions/{id}/approve|reject}), then the recent others.
 *
 * <p>Element ids: tables {@code promotions-awaiting} and {@code promotions-recent}; rows
 * {@code promotion-ID}; forms {@code approve-promotion-ID} (button {@code approve-promotion-submit-ID})
 * and {@code reject-promotion-ID} (field {@code reject-promotion-reason-ID}, button
 * {@code reject-promotion-submit-ID}).
 */
public final class PromotionsPage {
  public static final String PATH = "/ui/promotions";
  private static final int MAX_RESULT = 500;

  private PromotionsPage() {}

  /**
   * One promotion.
   *
   * @param state {@code awaiting-approval}, {@code queued}, {@code promoted}, {@code refused}, {@code failed} (or {@code rejected})
   * @param digest the digest promoted, once known
   * @param result what the promotion ended with (the stored outcome document or error), once it ended
   */
  public record Row(String id, String sourceRegistry, String sourceRepository, String sourceReference, String destinationRegistry,
      String destinationRepository, String destinationTag, String stage, String requester, @Nullable String approver, String state,
      @Nullable String digest, @Nullable String result, long createdAt, long updatedAt) {
    public static Row of(Promotions.Promotion p) {
      return new Row(p.id(), p.sourceRegistry(), p.sourceRepository(), p.sourceReference(), p.destinationRegistry(), p.destinationRepository(),
          p.destinationTag(), p.stage(), p.requester(), p.approver(), p.state().label(), p.digest(), p.result(), p.createdAt(), p.updatedAt());
    }

    public boolean awaiting() {
      return state.equals("awaiting-approval");
    }
  }

  public record View(List<Row> promotions) {
    public View {
      promotions = List.copyOf(promotions);
    }
  }

  public static String render(ViewContext ctx, View view) {
    List<Row> visible = view.promotions().stream()
        .filter(p -> ctx.may(Permission.READ, p.sourceRepository()) || ctx.may(Permission.READ, p.destinationRepository())).toList();
    List<Row> awaiting = visible.stream().filter(Row::awaiting).toList();
    List<Row> recent = visible.stream().filter(p -> !p.awaiting()).toList();
    return Layout.page(ctx, "Promotions", Layout.Section.PROMOTIONS, 4096 + visible.size() * 1200, h -> {
      h.open("section", "id", "awaiting");
      h.open("h2").text("Waiting for approval (").text(awaiting.size()).text(")").close();
      h.element("p", "A promotion to a stage that requires approval goes ahead when someone other than its requester approves it.", "class",
          "meta");
      table(h, ctx, "promotions-awaiting", awaiting, true);
      h.close("section");
      h.open("section", "id", "recent");
      h.element("h2", "Recent");
      table(h, ctx, "promotions-recent", recent, false);
      h.close("section");
    });
  }

  private static boolean mayApprove(ViewContext ctx, Row p) {
    return ctx.may(Permission.APPROVE_PROMOTION, p.sourceRepository()) && ctx.may(Permission.APPROVE_PROMOTION, p.destinationRepository());
  }

  private static void table(Html h, ViewContext ctx, String id, List<Row> rows, boolean decide) {
    boolean anyDecidable = decide && rows.stream().anyMatch(p -> mayApprove(ctx, p));
    h.open("div", "class", "scroll");
    h.open("table", "id", id);
    h.open("thead").open("tr");
    for (String c : List.of("Requested", "From", "To", "Stage", "Requester", "Approver", "State", "Outcome")) {
      h.element("th", c, "scope", "col");
    }
    if (anyDecidable) {
      h.element("th", "Decide", "scope", "col");
    }
    h.close("tr").close("thead").open("tbody");
    for (Row p : rows) {
      h.open("tr", "id", "promotion-" + p.id(), "data-state", p.state());
      h.open("td");
      Format.time(h, p.createdAt());
      h.close("td");
      h.open("td").element("code", p.sourceRegistry() + "/" + p.sourceRepository() + (p.sourceReference().contains(":") ? "@" : ":")
          + p.sourceReference()).close();
      h.open("td").element("code", p.destinationRegistry() + "/" + p.destinationRepository() + ":" + p.destinationTag()).close();
      h.element("td", p.stage());
      h.element("td", p.requester());
      h.element("td", p.approver() == null ? "" : p.approver());
      h.open("td").element("span", p.state(), "class", "state state-" + p.state()).close();
      h.open("td");
      if (p.digest() != null) {
        h.open("code").link(Url.path(ImagePage.PATH_PREFIX, p.digest()), Format.shortDigest(p.digest()), "title", p.digest()).close();
      }
      if (p.result() != null) {
        String r = p.result();
        h.element("span", r.length() > MAX_RESULT ? r.substring(0, MAX_RESULT) + "…" : r, "class", "message");
      }
      h.close("td");
      if (anyDecidable) {
        h.open("td");
        if (p.awaiting() && mayApprove(ctx, p)) {
          String base = Url.path("/v1/promotions/", p.id());
          Forms.post(h, ctx.csrfToken(), base + "/approve", PATH, "approve-promotion-" + p.id(), "inline");
          Forms.submit(h, "Approve", "approve-promotion-submit-" + p.id(), "approve");
          h.close("form");
          Forms.post(h, ctx.csrfToken(), base + "/reject", PATH, "reject-promotion-" + p.id(), "inline");
          h.empty("input", "type", "text", "name", "reason", "id", "reject-promotion-reason-" + p.id(), "maxlength", "500", "required", "",
              "placeholder", "reason", "aria-label", "reason for rejecting");
          Forms.submit(h, "Reject", "reject-promotion-submit-" + p.id(), "reject");
          h.close("form");
        }
        h.close("td");
      }
      h.close("tr");
    }
    h.close("tbody").close("table").close("div");
    if (rows.isEmpty()) {
      h.element("p", decide ? "Nothing waits for approval." : "No promotions yet.", "class", "empty");
    }
  }
}
