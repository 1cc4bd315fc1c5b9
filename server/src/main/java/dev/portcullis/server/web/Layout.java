package dev.portcullis.server.web;

import dev.portcullis.server.auth.Permission;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The frame of every page: the document head (the stylesheet, nothing else loaded), the header
 * with the navigation, the signed-in identity and its sign-out form, and the message of the last
 * form post.
 */
public final class Layout {
  /** Where the stylesheet is served. */
  public static final String STYLESHEET = "/ui/static/app.css";
  /** Where the sign-out form posts. */
  public static final String LOGOUT = "/v1/logout";

  private Layout() {}

  /** The dashboard's sections, in the order the navigation lists them. */
  public enum Section {
    IMAGES("Images", "/ui/images", Permission.READ),
    QUARANTINE("Quarantine", "/ui/quarantine", Permission.READ),
    EXCEPTIONS("Exceptions", "/ui/exceptions", Permission.READ),
    PROMOTIONS("Promotions", "/ui/promotions", Permission.READ),
    WORKLOADS("Workloads", "/ui/workloads", Permission.READ),
    POLICIES("Policies", "/ui/policies", Permission.READ),
    AUDIT("Audit", "/ui/audit", Permission.READ_AUDIT),
    TRENDS("Trends", "/ui/trends", Permission.READ);

    private final String title;
    private final String path;
    private final Permission needs;

    Section(String title, String path, Permission needs) {
      this.title = title;
      this.path = path;
      this.needs = needs;
    }

    public String title() {
      return title;
    }

    /** The section's page, e.g. {@code /ui/images}. */
    public String path() {
      return path;
    }

    /** The element id of its navigation link: {@code nav-images}, {@code nav-quarantine}, ... */
    public String navId() {
      return "nav-" + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A page for the signed-in identity; {@code active} is the section it belongs to ({@code null}: none). */
  static String page(ViewContext ctx, String title, @Nullable Section active, int capacity, Consumer<Html> body) {
    Html h = head(title, capacity);
    h.open("body");
    h.open("header", "class", "top");
    h.link(Section.IMAGES.path(), "Portcullis", "class", "brand");
    h.open("nav", "id", "nav", "aria-label", "sections");
    for (Section s : Section.values()) {
      if (ctx.may(s.needs)) {
        h.link(s.path(), s.title(), "id", s.navId(), "aria-current", s == active ? "page" : null);
      }
    }
    h.close("nav");
    h.open("div", "class", "who");
    h.element("span", ctx.identityName(), "id", "whoami");
    Forms.post(h, ctx.csrfToken(), LOGOUT, "/ui/login", "logout-form", "inline");
    h.element("button", "Sign out", "type", "submit", "id", "logout-submit");
    h.close("form");
    h.close("div");
    h.close("header");
    h.open("main");
    if (ctx.flash() != null) {
      ViewContext.Flash f = ctx.flash();
      h.element("p", f.message(), "id", "flash", "class", f.error() ? "flash flash-error" : "flash flash-ok", "role", f.error() ? "alert" : "status");
    }
    h.element("h1", title);
    body.accept(h);
    return finish(h);
  }

  /** A page for nobody in particular (sign-in, errors before sign-in): no navigation. */
  static String bare(String title, int capacity, Consumer<Html> body) {
    Html h = head(title, capacity);
    h.open("body", "class", "bare");
    h.open("header", "class", "top");
    h.element("span", "Portcullis", "class", "brand");
    h.close("header");
    h.open("main");
    h.element("h1", title);
    body.accept(h);
    return finish(h);
  }

  private static Html head(String title, int capacity) {
    Html h = new Html(capacity).doctype();
    h.open("html", "lang", "en");
    h.open("head");
    h.empty("meta", "charset", "utf-8");
    h.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
    h.empty("meta", "name", "referrer", "content", "same-origin");
    h.element("title", title + " · Portcullis");
    h.empty("link", "rel", "stylesheet", "href", STYLESHEET);
    h.close("head");
    return h;
  }

  private static String finish(Html h) {
    h.close("main");
    h.close("body");
    h.close("html");
    if (!h.balanced()) {
      throw new IllegalStateException("a page left an element open");
    }
    return h.toString();
  }
}
