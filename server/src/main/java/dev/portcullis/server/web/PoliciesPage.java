package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/policies}: the policy's versions (newest first), the forms to activate or reject a
 * proposed one ({@code POST /v1/policies/{id}/activate|reject}) and to propose a new one
 * ({@code POST /v1/policies}, field {@code text}).
 *
 * <p>Element ids: table {@code policy-versions}, rows {@code policy-ID} (with {@code data-state},
 * {@code data-version}); the text of each in {@code policy-text-ID}; forms {@code activate-policy-ID}
 * (button {@code activate-policy-submit-ID}) and {@code reject-policy-ID} (field
 * {@code reject-policy-reason-ID}, button {@code reject-policy-submit-ID}); the proposal form
 * {@code policy-propose} (field {@code policy-text}, button {@code policy-propose-submit}).
 */
public final class PoliciesPage {
  public static final String PATH = "/ui/policies";
  /** The largest policy text the form accepts, as the API's body limit. */
  public static final int MAX_TEXT = 64 * 1024;

  private PoliciesPage() {}

  /**
   * One version of the policy.
   *
   * @param id what the API's paths name it by
   * @param state {@code proposed}, {@code active}, {@code rejected} or {@code superseded}
   * @param author who proposed it
   * @param activatedBy who activated (or rejected) it; {@code null} while proposed
   * @param sha256 the digest of its text
   * @param text its text; {@code null} when the page is not to show it
   * @param reason the decider's reason ("" for none)
   */
  public record Version(String id, String name, int version, String state, String author, @Nullable String activatedBy, String sha256,
      long createdAt, @Nullable String text, String reason) {
    public boolean proposed() {
      return state.equals("proposed");
    }
  }

  public record View(List<Version> versions) {
    public View {
      versions = List.copyOf(versions);
    }
  }

  public static String render(ViewContext ctx, View view) {
    boolean mayActivate = ctx.may(Permission.ACTIVATE_POLICY);
    return Layout.page(ctx, "Policies", Layout.Section.POLICIES, 8192 + view.versions().size() * 4096, h -> {
      h.element("p", "A changed policy takes effect when someone other than its author activates it.", "class", "meta");
      h.open("div", "class", "scroll");
      h.open("table", "id", "policy-versions");
      h.open("thead").open("tr");
      for (String c : List.of("Policy", "Version", "State", "Author", "Activated by", "SHA-256", "Proposed", "Reason")) {
        h.element("th", c, "scope", "col");
      }
      if (mayActivate) {
        h.element("th", "Decide", "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (Version v : view.versions()) {
        h.open("tr", "id", "policy-" + v.id(), "data-state", v.state(), "data-version", String.valueOf(v.version()));
        h.element("td", v.name());
        h.element("td", String.valueOf(v.version()), "class", "num");
        h.open("td").element("span", v.state(), "class", "state state-" + v.state()).close();
        h.element("td", v.author());
        h.element("td", v.activatedBy() == null ? "" : v.activatedBy());
        h.open("td").element("code", v.sha256().length() > 16 ? v.sha256().substring(0, 16) + "…" : v.sha256(), "title", v.sha256()).close();
        h.open("td");
        Format.time(h, v.createdAt());
        h.close("td");
        h.element("td", v.reason(), "class", "prose");
        if (mayActivate) {
          h.open("td");
          if (v.proposed()) {
            String base = Url.path("/v1/policies/", v.id());
            Forms.post(h, ctx.csrfToken(), base + "/activate", PATH, "activate-policy-" + v.id(), "inline");
            Forms.submit(h, "Activate", "activate-policy-submit-" + v.id(), "approve");
            h.close("form");
            Forms.post(h, ctx.csrfToken(), base + "/reject", PATH, "reject-policy-" + v.id(), "inline");
            h.empty("input", "type", "text", "name", "reason", "id", "reject-policy-reason-" + v.id(), "maxlength", "500", "required", "",
                "placeholder", "reason", "aria-label", "reason for rejecting");
            Forms.submit(h, "Reject", "reject-policy-submit-" + v.id(), "reject");
            h.close("form");
          }
          h.close("td");
        }
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
      if (view.versions().isEmpty()) {
        h.element("p", "No stored policy versions: the server runs the policy of its configuration.", "class", "empty");
      }
      for (Version v : view.versions()) {
        if (v.text() != null) {
          h.open("details", "class", "policy-text");
          h.open("summary").text(v.name()).text(" version ").text(v.version()).text(" (").text(v.state()).text(")").close();
          h.preformatted("pre", v.text(), "id", "policy-text-" + v.id());
          h.close("details");
        }
      }
      if (ctx.may(Permission.EDIT_POLICY)) {
        h.open("section", "id", "propose-policy");
        h.element("h2", "Propose a new version");
        Forms.post(h, ctx.csrfToken(), "/v1/policies", PATH, "policy-propose", "stacked");
        Forms.textarea(h, "Policy (YAML)", "text", "policy-text", "", 1, MAX_TEXT, 16, true);
        Forms.submit(h, "Propose", "policy-propose-submit", null);
        h.close("form");
        h.close("section");
      }
    });
  }
}
