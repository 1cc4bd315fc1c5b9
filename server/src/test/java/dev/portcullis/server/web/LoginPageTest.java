package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.CSRF;
import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoginPageTest {
  @Test
  void theFormPostsNamePasswordNextAndTheToken() {
    String html = LoginPage.render(CSRF, "/ui/quarantine", "");
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    assertThat(doc.select("form#login-form").attr("action")).isEqualTo("/v1/login");
    assertThat(doc.select("#login-name").attr("name")).isEqualTo("name");
    assertThat(doc.select("#login-password").attr("name")).isEqualTo("password");
    assertThat(doc.select("#login-password").attr("type")).isEqualTo("password");
    assertThat(doc.select("#login-form input[name=next]").val()).isEqualTo("/ui/quarantine");
    assertThat(doc.select("#login-submit")).hasSize(1);
    assertThat(doc.select("nav")).as("no navigation before signing in").isEmpty();
    assertThat(doc.select("#login-message")).isEmpty();
  }

  @Test
  void aHostileNextAndMessageStayText() {
    String html = LoginPage.render(CSRF, "/ui/" + HOSTILE, HOSTILE);
    Document doc = Pages.parse(html);
    Pages.onlyEscaped(html);
    assertThat(doc.select("#login-message").text()).isEqualTo(HOSTILE);
    assertThat(doc.select("#login-form input[name=next]").val()).isEqualTo(LoginPage.HOME);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example/", "//evil.example/ui/", "/\\evil.example", "/v1/images", "javascript:alert(1)", "/ui/\u0000x",
      "/ui/ x", "", "/ui/static/app.css", "/uix"})
  void aSignInReturnsOnlyToTheDashboard(String next) {
    assertThat(LoginPage.safeNext(next)).isEqualTo(LoginPage.HOME);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ui/images", "/ui/images/sha256:0123?kind=secret#findings", "/ui", "/ui/audit?actor=a%20b"})
  void dashboardPagesAreKept(String next) {
    assertThat(LoginPage.safeNext(next)).isEqualTo(next);
  }
}
