package dev.portcullis.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtmlTest {
  @Test
  void aScriptInTextIsText() {
    String out = new Html().element("p", "<script>alert(1)</script>").toString();
    assertThat(out).isEqualTo("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    Document doc = Jsoup.parseBodyFragment(out);
    assertThat(doc.select("script")).isEmpty();
    assertThat(doc.select("p").text()).isEqualTo("<script>alert(1)</script>");
  }

  @Test
  void breakingOutOfAnAttributeIsImpossible() {
    String value = "\"><img onerror=alert(1)>";
    String out = new Html().element("span", "x", "title", value).toString();
    assertThat(out).isEqualTo("<span title=\"&quot;&gt;&lt;img onerror=alert(1)&gt;\">x</span>");
    Document doc = Jsoup.parseBodyFragment(out);
    assertThat(doc.select("img")).isEmpty();
    assertThat(doc.select("span").attr("title")).isEqualTo(value);
  }

  @Test
  void bothQuotesAreEscapedSoAValueReadsBackTheSameInEitherQuoting() {
    String value = "it's \"quoted\"";
    assertThat(Html.escape(value)).isEqualTo("it&#39;s &quot;quoted&quot;");
    String single = "<span title='" + Html.escape(value) + "'></span>";
    assertThat(Jsoup.parseBodyFragment(single).select("span").attr("title")).isEqualTo(value);
  }

  @Test
  void ampersandsAreEscapedOnceAndReadBackAsWritten() {
    assertThat(Html.escape("a & b &amp; c")).isEqualTo("a &amp; b &amp;amp; c");
    String out = new Html().element("p", "a & b &amp; c").toString();
    assertThat(Jsoup.parseBodyFragment(out).select("p").text()).isEqualTo("a & b &amp; c");
  }

  @Test
  void controlCharactersBecomeReplacementCharacters() {
    assertThat(Html.escape("a\u0000b\u001bc\u0085d\te\nf")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\te\nf");
  }

  @Test
  void plainTextIsWrittenAsItIs() {
    assertThat(Html.escape("registry.example/app:1.0 — naïve ✓")).isEqualTo("registry.example/app:1.0 — naïve ✓");
  }

  @ParameterizedTest
  @ValueSource(strings = {"onclick", "ONLOAD", "style", "srcdoc"})
  void handlersAndStylesAreNeverWritten(String attribute) {
    assertThatThrownBy(() -> new Html().open("div", attribute, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never written");
  }

  @ParameterizedTest
  @ValueSource(strings = {"div x", "di\"v", "", "x>y", "1a"})
  void namesAreNames(String name) {
    assertThatThrownBy(() -> new Html().open(name)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element name");
    assertThatThrownBy(() -> new Html().open("div", name, "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript:alert(1)", "//evil.example/x", "/\\evil.example", "https://evil.example/", "data:text/html,x", " /x"})
  void linksAndFormsStayOnThisServer(String url) {
    assertThatThrownBy(() -> new Html().link(url, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only a path on this server");
    assertThatThrownBy(() -> new Html().open("form", "action", url)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLocalLinkIsEscapedLikeAnyValue() {
    String out = new Html().link("/ui/images?state=passed&q=a\"b", "x").toString();
    assertThat(out).isEqualTo("<a href=\"/ui/images?state=passed&amp;q=a&quot;b\">x</a>");
  }

  @Test
  void nullValuesLeaveTheAttributeOutAndEmptyOnesWriteIt() {
    assertThat(new Html().empty("input", "name", "a", "required", null, "checked", "").toString())
        .isEqualTo("<input name=\"a\" checked=\"\">");
  }

  @Test
  void elementsCloseInOrder() {
    Html h = new Html().open("div").open("p");
    assertThatThrownBy(() -> h.close("div")).isInstanceOf(IllegalStateException.class).hasMessageContaining("<p> is open");
    h.close("p").close("div");
    assertThat(h.balanced()).isTrue();
    assertThatThrownBy(h::close).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Html().empty("div")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyAFinishedFragmentIsAppended() {
    Html open = new Html().open("div");
    assertThatThrownBy(() -> new Html().append(open)).isInstanceOf(IllegalStateException.class);
    assertThat(new Html().open("p").append(new Html().element("b", "<x>")).close().toString()).isEqualTo("<p><b>&lt;x&gt;</b></p>");
  }

  @Test
  void aTextareaKeepsALeadingNewlineAndCannotBeClosedByItsText() {
    String text = "\nfirst\n</textarea><script>x</script>";
    String out = new Html().preformatted("textarea", text, "name", "t").toString();
    Element area = Jsoup.parseBodyFragment(out).selectFirst("textarea");
    assertThat(area).isNotNull();
    // wholeText: what the browser puts in the field (val() would trim like text())
    assertThat(area.wholeText()).isEqualTo(text);
    assertThat(Jsoup.parseBodyFragment(out).select("script")).isEmpty();
  }

  @Test
  void urlsEncodeData() {
    assertThat(Url.path("/ui/images/", "sha256:ab/../\"x y")).isEqualTo("/ui/images/sha256:ab%2F..%2F%22x%20y");
    assertThat(Url.query("/ui/images", "state", "passed", "q", "a&b=c #", "grade", "")).isEqualTo("/ui/images?state=passed&q=a%26b%3Dc+%23");
  }
}
