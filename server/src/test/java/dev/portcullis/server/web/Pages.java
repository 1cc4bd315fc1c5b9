package dev.portcullis.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** What every page test checks: hostile data stays text, forms carry the CSRF token. */
final class Pages {
  /** Every trick at once: a script, a broken-out attribute with a handler, quotes, an entity, closers of RCDATA elements. */
  static final String HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'&amp;</textarea></title><svg onload=alert(2)>";
  static final String CSRF = "csrf-token-0123456789";

  /** The elements the pages write; anything else in a parse came from data. */
  static final Set<String> TAGS = Set.of("html", "head", "body", "meta", "title", "link", "header", "nav", "main", "section", "article", "div",
      "span", "p", "a", "h1", "h2", "h3", "form", "input", "label", "select", "option", "textarea", "button", "table", "thead", "tbody", "tr",
      "th", "td", "code", "pre", "strong", "ul", "li", "dl", "dt", "dd", "time", "details", "summary", "figure", "figcaption", "svg", "g",
      "line", "polyline", "circle", "text", "img");
  /** The attributes the pages write. */
  static final Set<String> ATTRIBUTES = Set.of("lang", "charset", "name", "content", "rel", "href", "class", "id", "aria-label", "aria-current",
      "aria-sort", "aria-hidden", "aria-labelledby", "role", "method", "action", "type", "value", "for", "maxlength", "minlength", "required",
      "autocomplete", "autofocus", "rows", "placeholder", "selected", "scope", "title", "datetime", "data-registry", "data-repository",
      "data-digest", "data-finding", "data-kind", "data-severity", "data-stage", "data-state", "data-version", "data-seq", "data-action",
      "data-outcome", "data-series", "data-verified-to", "data-first-bad", "xmlns", "viewBox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
      "points", "text-anchor", "data-mode", "src", "alt");

  private Pages() {}

  static Identity user(String name, Role... roles) {
    return Identity.user(name, Arrays.stream(roles).map(Grant::everywhere).toList(), "127.0.0.1");
  }

  static ViewContext as(Role... roles) {
    return new ViewContext(user("alice", roles), CSRF);
  }

  static ViewContext as(String name, List<Grant> grants) {
    return new ViewContext(Identity.user(name, grants, "127.0.0.1"), CSRF);
  }

  /**
   * Parses {@code html} as a browser would and checks that it is one of our documents: only our
   * elements and attributes, links and form targets on this server, nothing loaded but the stylesheet.
   */
  static Document parse(String html) {
    Document doc = Jsoup.parse(html);
    assertThat(html).startsWith("<!DOCTYPE html>");
    for (Element e : doc.getAllElements()) {
      if (e == doc) {
        continue;
      }
      // plain checks first: a page has thousands of attributes, and AssertJ per attribute is slow
      if (!TAGS.contains(e.tagName())) {
        fail("element <" + e.tagName() + "> came from data, in " + e.parent());
      }
      for (Attribute a : e.attributes()) {
        if (!ATTRIBUTES.contains(a.getKey())) {
          fail("attribute " + a.getKey() + " of <" + e.tagName() + "> came from data");
        }
        if ((a.getKey().equals("href") || a.getKey().equals("action") || a.getKey().equals("src")) && !Html.local(a.getValue())) {
          fail(a.getKey() + " of <" + e.tagName() + "> leaves this server: " + a.getValue());
        }
      }
    }
    assertThat(doc.select("link")).allSatisfy(l -> assertThat(l.attr("href")).isEqualTo(Layout.STYLESHEET));
    assertThat(doc.select("script, style, iframe, object, embed, base")).isEmpty();
    // a picture only from this server (the workloads' topology), whose answer's CSP lets nothing in it run
    assertThat(doc.select("img")).allSatisfy(i -> assertThat(i.attr("src")).isEqualTo(WorkloadsPage.TOPOLOGY));
    return doc;
  }

  /** Every post form carries the session's token and a dashboard page to return to. */
  static void formsCarryCsrf(Document doc) {
    for (Element form : doc.select("form")) {
      if (form.attr("method").equals("get")) {
        assertThat(form.select("input[name=csrf]")).as("a GET form carries no token: %s", form.id()).isEmpty();
        continue;
      }
      assertThat(form.attr("method")).isEqualTo("post");
      assertThat(form.select("> input[type=hidden][name=csrf]")).as("form %s", form.id()).singleElement()
          .satisfies(i -> assertThat(i.val()).isEqualTo(CSRF));
      assertThat(form.select("> input[type=hidden][name=next]")).as("form %s", form.id()).singleElement()
          .satisfies(i -> assertThat(i.val()).startsWith("/ui"));
    }
  }

  /** {@code text} shows, as itself, somewhere in the page's text. */
  static void shows(Document doc, String text) {
    assertThat(doc.text().contains(text)).as("the page shows %s", text).isTrue();
  }

  /** The raw markup contains {@code text} only escaped: the parts that would be markup never appear raw. */
  static void onlyEscaped(String html) {
    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<svg onload").doesNotContain("</textarea></title>");
  }
}
