package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Releases;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/quarantine}: the quarantined images, each with its release requests and the forms
 * to approve or reject a request ({@code POST /v1/releases/{id}/approve|reject}) or to ask for a
 * release ({@code POST /v1/releases}).
 *
 * <p>Element ids: the list {@code quarantine}, one {@code article.quarantined} per image (with
 * {@code data-registry}, {@code data-digest}); its requests' table rows {@code release-ID}; forms
 * {@code approve-release-ID} (button {@code approve-release-submit-ID}), {@code reject-release-ID}
 * (field {@code reject-release-reason-ID}, button {@code reject-release-submit-ID}) and
 * {@code request-release-REGISTRY-DIGEST} (DIGEST with {@code -} for {@code :}; field
 * {@code request-release-justification-REGISTRY-DIGEST}, button {@code request-release-REGISTRY-DIGEST-submit}).
 */
public final class QuarantinePage {
  public static final String PATH = "/ui/quarantine";

  private QuarantinePage() {}

  /** One release request; {@code state} as its label ({@code awaiting-approval}, {@code released}, {@code rejected}). */
  public record Release(String id, String registry, String digest, String requester, String justification, @Nullable String approver, String state,
      long createdAt, long updatedAt) {
    public static Release of(Releases.Release r) {
      return new Release(r.id(), r.registry(), r.digest(), r.requester(), r.justification(), r.approver(), r.state().label(), r.createdAt(),
          r.updatedAt());
    }

    public boolean awaiting() {
      return state.equals("awaiting-approval");
    }
  }

  /**
   * A quarantined image and its release requests, newest first.
   *
   * @param since when it was quarantined (its state's last change)
   * @param summary the decision that quarantined it, in a line
   */
  public record Quarantined(String registry, String repository, String digest, @Nullable Integer score, String summary, long since,
      List<Release> releases) {
    public Quarantined {
      releases = List.copyOf(releases);
    }

    public static Quarantined of(ImageStates.Image image, List<Releases.Release> releases) {
      return new Quarantined(image.registry(), image.repository(), image.digest(), image.score(), image.summary(), image.updatedAt(),
          releases.stream().map(Release::of).toList());
    }
  }

  public record View(List<Quarantined> images) {
    public View {
      images = List.copyOf(images);
    }
  }

  public static String render(ViewContext ctx, View view) {
    List<Quarantined> visible = view.images().stream().filter(q -> ctx.may(Permission.READ, q.repository())).toList();
    return Layout.page(ctx, "Quarantine", Layout.Section.QUARANTINE, 4096 + visible.size() * 2048, h -> {
      h.open("p", "class", "count", "id", "quarantine-count").text(visible.size()).text(visible.size() == 1 ? " image" : " images")
          .text(" quarantined: the pull gate refuses them until a release is approved by someone other than its requester.").close();
      h.open("div", "id", "quarantine");
      for (Quarantined q : visible) {
        image(h, ctx, q);
      }
      h.close("div");
      if (visible.isEmpty()) {
        h.element("p", "Nothing is quarantined.", "class", "empty");
      }
    });
  }

  private static void image(Html h, ViewContext ctx, Quarantined q) {
    String page = Url.path(ImagePage.PATH_PREFIX, q.digest());
    h.open("article", "class", "card quarantined", "data-registry", q.registry(), "data-digest", q.digest());
    h.open("h2").link(page, q.repository()).text(" ").element("code", Format.shortDigest(q.digest()), "title", q.digest()).text(" in ")
        .text(q.registry()).close();
    h.open("p", "class", "meta").text("Score ").text(q.score() == null ? "–" : String.valueOf(q.score())).text(", quarantined ");
    Format.time(h, q.since());
    h.close("p");
    h.element("p", q.summary(), "class", "summary");
    boolean mayDecide = ctx.may(Permission.DECIDE_RELEASE, q.repository());
    if (q.releases().isEmpty()) {
      h.element("p", "No release requested.", "class", "empty");
    } else {
      h.open("div", "class", "scroll");
      h.open("table", "class", "releases");
      h.open("thead").open("tr");
      for (String c : List.of("Requested", "By", "Justification", "State", "Approver")) {
        h.element("th", c, "scope", "col");
      }
      if (mayDecide) {
        h.element("th", "Decide", "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (Release r : q.releases()) {
        h.open("tr", "id", "release-" + r.id(), "data-state", r.state());
        h.open("td");
        Format.time(h, r.createdAt());
        h.close("td");
        h.element("td", r.requester());
        h.element("td", r.justification(), "class", "prose");
        h.open("td").element("span", r.state(), "class", "state state-" + r.state()).close();
        h.element("td", r.approver() == null ? "" : r.approver());
        if (mayDecide) {
          h.open("td");
          if (r.awaiting()) {
            String base = Url.path("/v1/releases/", r.id());
            Forms.post(h, ctx.csrfToken(), base + "/approve", PATH, "approve-release-" + r.id(), "inline");
            Forms.submit(h, "Approve", "approve-release-submit-" + r.id(), "approve");
            h.close("form");
            Forms.post(h, ctx.csrfToken(), base + "/reject", PATH, "reject-release-" + r.id(), "inline");
            h.empty("input", "type", "text", "name", "reason", "id", "reject-release-reason-" + r.id(), "maxlength", "500", "required", "",
                "placeholder", "reason", "aria-label", "reason for rejecting");
            Forms.submit(h, "Reject", "reject-release-submit-" + r.id(), "reject");
            h.close("form");
          }
          h.close("td");
        }
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
    }
    if (ctx.may(Permission.REQUEST_RELEASE, q.repository())) {
      String id = "request-release-" + q.registry() + "-" + Format.idPart(q.digest());
      h.open("details", "class", "request");
      h.element("summary", "Request release");
      Forms.post(h, ctx.csrfToken(), ImagePage.RELEASE_ACTION, PATH, id, "stacked");
      h.empty("input", "type", "hidden", "name", "registry", "value", q.registry());
      h.empty("input", "type", "hidden", "name", "digest", "value", q.digest());
      Forms.textarea(h, "Justification", "justification", "request-release-justification-" + q.registry() + "-" + Format.idPart(q.digest()), "", 10, 2000, 3,
          true);
      Forms.submit(h, "Request release", id + "-submit", null);
      h.close("form");
      h.close("details");
    }
    h.close("article");
  }
}
