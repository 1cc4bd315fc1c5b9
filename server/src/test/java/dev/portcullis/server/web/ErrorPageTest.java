package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Role;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class ErrorPageTest {
  @Test
  void theMessageIsOneLineOfTextWithTheStatus() {
    String html = ErrorPage.render(Pages.as(Role.DEVELOPER), 403, "approve exception e1: " + HOSTILE, "/ui/exceptions");
    Document doc = Pages.parse(html);
    Pages.onlyEscaped(html);
    Pages.formsCarryCsrf(doc);
    assertThat(doc.select("h1").text()).isEqualTo("403 Not allowed");
    assertThat(doc.select("#error-message").text()).isEqualTo("approve exception e1: " + HOSTILE);
    assertThat(doc.select("#error-back").attr("href")).isEqualTo("/ui/exceptions");
    assertThat(doc.select("#whoami").text()).isEqualTo("alice");
  }

  @Test
  void withoutAnIdentityThereIsNoNavigationAndTheWayBackStaysHere() {
    Document doc = Pages.parse(ErrorPage.render(null, 400, "bad", "https://evil.example/"));
    assertThat(doc.select("nav, form")).isEmpty();
    assertThat(doc.select("#error-back").attr("href")).isEqualTo(LoginPage.HOME);
  }
}
