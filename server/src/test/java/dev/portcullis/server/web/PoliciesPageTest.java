package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Role;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class PoliciesPageTest {
  private static PoliciesPage.View view(String text) {
    return new PoliciesPage.View(List.of(
        new PoliciesPage.Version("v3", text + "policy", 3, "proposed", text + "author", null, text + "sha", 3_000, text + "stages:\n  prod: {}",
            ""),
        new PoliciesPage.Version("v2", text + "policy", 2, "active", "erin", text + "activator", "ab".repeat(32), 2_000, null, text + "reason")));
  }

  @Test
  void hostileTextStaysText() {
    String html = PoliciesPage.render(Pages.as(Role.SECURITY), view(HOSTILE));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    for (String field : List.of("policy", "author", "activator", "reason")) {
      Pages.shows(doc, HOSTILE + field);
    }
    assertThat(doc.select("#policy-text-v3").first().wholeText()).isEqualTo(HOSTILE + "stages:\n  prod: {}");
  }

  @Test
  void securityProposesActivatesAndRejects() {
    Document doc = Pages.parse(PoliciesPage.render(Pages.as(Role.SECURITY), view("")));
    Pages.formsCarryCsrf(doc);
    assertThat(doc.select("#policy-versions tbody tr").eachAttr("data-version")).containsExactly("3", "2");
    Element activate = doc.selectFirst("form#activate-policy-v3");
    assertThat(activate).isNotNull();
    assertThat(activate.attr("action")).isEqualTo("/v1/policies/v3/activate");
    Element reject = doc.selectFirst("form#reject-policy-v3");
    assertThat(reject).isNotNull();
    assertThat(reject.attr("action")).isEqualTo("/v1/policies/v3/reject");
    assertThat(reject.select("#reject-policy-reason-v3").attr("name")).isEqualTo("reason");
    assertThat(doc.select("form#activate-policy-v2, form#reject-policy-v2")).isEmpty();
    Element propose = doc.selectFirst("form#policy-propose");
    assertThat(propose).isNotNull();
    assertThat(propose.attr("action")).isEqualTo("/v1/policies");
    assertThat(propose.select("#policy-text").attr("name")).isEqualTo("text");
    assertThat(propose.select("#policy-text").attr("maxlength")).isEqualTo(String.valueOf(64 * 1024));
  }

  @Test
  void withoutPolicyPermissionsThereAreNoForms() {
    for (Role role : List.of(Role.VIEWER, Role.DEVELOPER, Role.OPERATOR, Role.AUDITOR, Role.ADMIN)) {
      Document doc = Pages.parse(PoliciesPage.render(Pages.as(role), view("")));
      assertThat(doc.select("form[method=post]").eachAttr("id")).as("%s", role).containsExactly("logout-form");
    }
    // policy permissions are global: a grant on some repositories does not give them
    Document scoped = Pages.parse(PoliciesPage.render(Pages.as("frank", List.of(new Grant(Role.SECURITY, List.of("team-a/**")))), view("")));
    assertThat(scoped.select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
  }
}
