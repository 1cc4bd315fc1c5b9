package dev.portcullis.server.web;

/**
 * The sign-in form: name and password posted to {@code POST /v1/login} with the page to return to.
 * Element ids: {@code login-form}, {@code login-name} (name {@code name}), {@code login-password}
 * (name {@code password}), {@code login-submit}; the message, if any, is {@code login-message}.
 */
public final class LoginPage {
  /** Where the form posts. */
  public static final String ACTION = "/v1/login";
  /** Where a sign-in goes when it names no (acceptable) page to return to. */
  public static final String HOME = "/ui/images";

  private LoginPage() {}

  /**
   * @param csrfToken the token the form carries (the sign-in form's own, before there is a session)
   * @param next the page to return to after signing in; anything but a dashboard path becomes {@link #HOME}
   * @param message why the form is shown again, in one line ("" for none): never says which of name or password was wrong
   */
  public static String render(String csrfToken, String next, String message) {
    return Layout.bare("Sign in", 2048, h -> {
      if (!message.isEmpty()) {
        h.element("p", message, "id", "login-message", "class", "flash flash-error", "role", "alert");
      }
      Forms.post(h, csrfToken, ACTION, safeNext(next), "login-form", "stacked");
      h.open("label", "for", "login-name").text("Name").close();
      h.empty("input", "type", "text", "name", "name", "id", "login-name", "autocomplete", "username", "maxlength", "256", "required", "",
          "autofocus", "");
      h.open("label", "for", "login-password").text("Password").close();
      h.empty("input", "type", "password", "name", "password", "id", "login-password", "autocomplete", "current-password", "maxlength",
          "1024", "required", "");
      Forms.submit(h, "Sign in", "login-submit", null);
      h.close("form");
    });
  }

  /**
   * {@code next} when it is a dashboard page on this server ({@code /ui/...}, no backslash, no
   * control character, at most 2,000 characters), else {@link #HOME}: a sign-in never sends anyone
   * elsewhere.
   */
  public static String safeNext(String next) {
    if (next.length() > 2000 || !(next.equals("/ui") || next.startsWith("/ui/")) || next.startsWith("/ui/static/")) {
      return HOME;
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      if (c < 0x21 || c == 0x7f || c == '\\') {
        return HOME;
      }
    }
    return next;
  }
}
