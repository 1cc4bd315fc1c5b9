package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Role;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class PromotionsPageTest {
  private static PromotionsPage.Row row(String id, String state, String text) {
    return new PromotionsPage.Row(id, "dev", "team-a/app" + text, text + "1.0", "prod", "team-a/app" + text, text + "tag", text + "prod",
        text + "requester", state.equals("awaiting-approval") ? null : text + "approver", state, state.equals("promoted") ? "sha256:" + "d".repeat(64)
            : null, state.equals("refused") ? text + "result" : null, 1_000, 2_000);
  }

  private static PromotionsPage.View view(String text) {
    return new PromotionsPage.View(List.of(row("p1", "awaiting-approval", text), row("p2", "promoted", text), row("p3", "refused", text)));
  }

  @Test
  void hostileTextStaysText() {
    String html = PromotionsPage.render(Pages.as(Role.OPERATOR), view(HOSTILE));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    for (String field : List.of("1.0", "tag", "prod", "requester", "approver", "result")) {
      Pages.shows(doc, HOSTILE + field);
    }
  }

  @Test
  void anOperatorApprovesOrRejectsWhatWaits() {
    Document doc = Pages.parse(PromotionsPage.render(Pages.as(Role.OPERATOR), view("")));
    Pages.formsCarryCsrf(doc);
    assertThat(doc.select("#promotions-awaiting tbody tr").eachAttr("id")).containsExactly("promotion-p1");
    assertThat(doc.select("#promotions-recent tbody tr").eachAttr("id")).containsExactly("promotion-p2", "promotion-p3");
    Element approve = doc.selectFirst("form#approve-promotion-p1");
    assertThat(approve).isNotNull();
    assertThat(approve.attr("action")).isEqualTo("/v1/promotions/p1/approve");
    assertThat(approve.select("input[name=next]").val()).isEqualTo("/ui/promotions");
    Element reject = doc.selectFirst("form#reject-promotion-p1");
    assertThat(reject).isNotNull();
    assertThat(reject.attr("action")).isEqualTo("/v1/promotions/p1/reject");
    assertThat(reject.select("#reject-promotion-reason-p1").attr("name")).isEqualTo("reason");
    assertThat(doc.select("#promotion-p2 a").attr("href")).isEqualTo("/ui/images/sha256:" + "d".repeat(64));
  }

  @Test
  void othersSeeNoForms() {
    for (Role role : List.of(Role.VIEWER, Role.DEVELOPER, Role.SECURITY, Role.AUDITOR)) {
      Document doc = Pages.parse(PromotionsPage.render(Pages.as(role), view("")));
      assertThat(doc.select("form[method=post]").eachAttr("id")).as("%s", role).containsExactly("logout-form");
      assertThat(doc.select("#promotions-awaiting tbody tr")).hasSize(1);
    }
  }
}
