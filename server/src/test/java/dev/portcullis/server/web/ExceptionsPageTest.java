package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Role;
import java.time.LocalDate;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class ExceptionsPageTest {
  private static final LocalDate EXPIRES = LocalDate.parse("2030-01-31");

  private static ExceptionsPage.Row row(String id, String state, String text) {
    return new ExceptionsPage.Row(id, text + "CVE-2024-1", "team-a/app" + text, text + "justification", EXPIRES, state, text + "requester",
        state.equals("requested") ? null : text + "approver", text + "reason", 1_000);
  }

  private static ExceptionsPage.View view(String text) {
    return new ExceptionsPage.View(List.of(row("e1", "requested", text), row("e2", "needs-review", text), row("e3", "approved", text),
        row("e4", "rejected", text), row("e5", text + "state", text)));
  }

  private static Document render(ViewContext ctx, ExceptionsPage.View view) {
    Document doc = Pages.parse(ExceptionsPage.render(ctx, view));
    Pages.formsCarryCsrf(doc);
    return doc;
  }

  @Test
  void hostileTextStaysText() {
    String html = ExceptionsPage.render(Pages.as(Role.SECURITY, Role.DEVELOPER), view(HOSTILE));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    for (String field : List.of("CVE-2024-1", "justification", "requester", "approver", "reason", "state")) {
      Pages.shows(doc, HOSTILE + field);
    }
    Pages.shows(doc, "team-a/app" + HOSTILE);
  }

  @Test
  void theQueueIsGroupedByState() {
    Document doc = render(Pages.as(Role.VIEWER), view(""));
    assertThat(doc.select("#exceptions-requested tbody tr").eachAttr("id")).containsExactly("exception-e1");
    assertThat(doc.select("#exceptions-needs-review tbody tr").eachAttr("id")).containsExactly("exception-e2");
    assertThat(doc.select("#exceptions-approved tbody tr").eachAttr("id")).containsExactly("exception-e3");
    assertThat(doc.select("#exceptions-rejected tbody tr").eachAttr("id")).containsExactly("exception-e4");
    assertThat(doc.select("#exceptions-other tbody tr").eachAttr("id")).containsExactly("exception-e5");
    assertThat(doc.select("#exception-e1 time").attr("datetime")).isEqualTo("2030-01-31");
  }

  @Test
  void securityDecidesOpenExceptions() {
    Document doc = render(Pages.as(Role.SECURITY), view(""));
    for (String id : List.of("e1", "e2")) {
      Element approve = doc.selectFirst("form#approve-exception-" + id);
      assertThat(approve).isNotNull();
      assertThat(approve.attr("action")).isEqualTo("/v1/exceptions/" + id + "/approve");
      assertThat(approve.select("#approve-exception-reason-" + id).attr("name")).isEqualTo("reason");
      Element reject = doc.selectFirst("form#reject-exception-" + id);
      assertThat(reject).isNotNull();
      assertThat(reject.attr("action")).isEqualTo("/v1/exceptions/" + id + "/reject");
      assertThat(reject.select("#reject-exception-reason-" + id).hasAttr("required")).isTrue();
      assertThat(doc.select("#approve-exception-submit-" + id + ", #reject-exception-submit-" + id)).hasSize(2);
    }
    assertThat(doc.select("form[action~=/v1/exceptions/e[345]/]")).isEmpty();
    assertThat(doc.select("#exception-request")).as("security does not request exceptions").isEmpty();
  }

  @Test
  void aDeveloperRequestsButDoesNotDecide() {
    Document doc = render(Pages.as(Role.DEVELOPER), view(""));
    assertThat(doc.select("form[action$=/approve], form[action$=/reject]")).isEmpty();
    Element request = doc.selectFirst("form#exception-request");
    assertThat(request).isNotNull();
    assertThat(request.attr("action")).isEqualTo("/v1/exceptions");
    assertThat(request.select("input, textarea").eachAttr("name")).containsExactly("csrf", "next", "finding", "image", "justification", "expires");
    assertThat(request.select("#exception-expires").attr("type")).isEqualTo("date");
  }

  @Test
  void nothingOutsideTheIdentitysRepositories() {
    Document doc = render(Pages.as("dave", List.of(new Grant(Role.SECURITY, List.of("team-b/**")))), view(""));
    assertThat(doc.select("tbody tr")).isEmpty();
    assertThat(doc.select("form[method=post]").eachAttr("id")).containsExactly("logout-form");
  }
}
