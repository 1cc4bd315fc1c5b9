package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Role;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class QuarantinePageTest {
  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private static final String ID = "0f2c1d9e-0000-4000-8000-000000000001";

  private static QuarantinePage.View view(String text) {
    return new QuarantinePage.View(List.of(new QuarantinePage.Quarantined("dev", "team-a/app" + text, DIGEST, 12, text + "summary", 1_000,
        List.of(new QuarantinePage.Release(ID + text, "dev", DIGEST, text + "requester", text + "justification", null, "awaiting-approval", 2_000,
                2_000),
            new QuarantinePage.Release("old" + text, "dev", DIGEST, "bob", "an older request", text + "approver", "rejected", 1_500, 1_600)))));
  }

  private static Document render(ViewContext ctx, QuarantinePage.View view) {
    String html = QuarantinePage.render(ctx, view);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    return doc;
  }

  @Test
  void hostileTextStaysText() {
    String html = QuarantinePage.render(Pages.as(Role.SECURITY, Role.DEVELOPER), view(HOSTILE));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    for (String field : List.of("summary", "requester", "justification", "approver")) {
      Pages.shows(doc, HOSTILE + field);
    }
    Pages.shows(doc, "team-a/app" + HOSTILE);
    assertThat(doc.select("form[action$=/approve]").attr("action")).isEqualTo(Url.path("/v1/releases/", ID + HOSTILE) + "/approve");
  }

  @Test
  void aSecurityUserSeesApproveAndRejectFormsForAwaitingRequestsOnly() {
    Document doc = render(Pages.as(Role.SECURITY), view(""));
    Element approve = doc.selectFirst("form#approve-release-" + ID);
    assertThat(approve).isNotNull();
    assertThat(approve.attr("action")).isEqualTo("/v1/releases/" + ID + "/approve");
    assertThat(approve.select("input[name=next]").val()).isEqualTo("/ui/quarantine");
    assertThat(doc.select("#approve-release-submit-" + ID)).hasSize(1);
    Element reject = doc.selectFirst("form#reject-release-" + ID);
    assertThat(reject).isNotNull();
    assertThat(reject.attr("action")).isEqualTo("/v1/releases/" + ID + "/reject");
    assertThat(reject.select("#reject-release-reason-" + ID).attr("name")).isEqualTo("reason");
    assertThat(doc.select("form#approve-release-old, form#reject-release-old")).isEmpty();
    assertThat(doc.select("form[action=/v1/releases]")).as("security does not ask for releases").isEmpty();
    assertThat(doc.select("article.quarantined").attr("data-digest")).isEqualTo(DIGEST);
    assertThat(doc.select("#release-" + ID).attr("data-state")).isEqualTo("awaiting-approval");
  }

  @Test
  void aDeveloperMayAskButNotDecide() {
    Document doc = render(Pages.as(Role.DEVELOPER), view(""));
    assertThat(doc.select("form[action$=/approve], form[action$=/reject]")).isEmpty();
    Element request = doc.selectFirst("form#request-release-dev-sha256-" + "c".repeat(64));
    assertThat(request).isNotNull();
    assertThat(request.attr("action")).isEqualTo("/v1/releases");
    assertThat(request.select("input[name=registry]").val()).isEqualTo("dev");
    assertThat(request.select("input[name=digest]").val()).isEqualTo(DIGEST);
    assertThat(request.select("textarea[name=justification]")).hasSize(1);
  }

  @Test
  void aViewerSeesNoFormAndOthersSeeNothingOutsideTheirRepositories() {
    assertThat(render(Pages.as(Role.VIEWER), view("")).select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
    Document otherTeam = render(Pages.as("carol", List.of(new Grant(Role.SECURITY, List.of("team-b/**")))), view(""));
    assertThat(otherTeam.select("article.quarantined")).isEmpty();
    assertThat(otherTeam.select("#quarantine-count").text()).startsWith("0 images quarantined");
  }
}
