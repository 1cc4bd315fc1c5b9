package dev.portcullis.server.web;

import org.jspecify.annotations.Nullable;

/** The parts every form of the dashboard shares. */
final class Forms {
  private Forms() {}

  /**
   * Opens a form that posts to {@code action} (a path of the JSON API) with the hidden fields
   * {@code csrf} (the session's token) and {@code next} (the page to return to, a {@code /ui/}
   * path); the caller adds its fields and closes it.
   */
  static Html post(Html h, String csrfToken, String action, String next, @Nullable String id, @Nullable String cssClass) {
    if (!next.startsWith("/ui/") && !next.equals("/ui")) {
      throw new IllegalArgumentException("a form returns to a dashboard page, not '" + next + "'");
    }
    h.open("form", "method", "post", "action", action, "id", id, "class", cssClass);
    h.empty("input", "type", "hidden", "name", "csrf", "value", csrfToken);
    h.empty("input", "type", "hidden", "name", "next", "value", next);
    return h;
  }

  /** A label and a text input inside it. */
  static void input(Html h, String label, String name, String id, String type, String value, int maxLength, boolean required) {
    h.open("label", "for", id).text(label).close();
    h.empty("input", "type", type, "name", name, "id", id, "value", value, "maxlength", type.equals("date") ? null : String.valueOf(maxLength),
        "required", required ? "" : null);
  }

  /** A label and a textarea. */
  static void textarea(Html h, String label, String name, String id, String value, int minLength, int maxLength, int rows, boolean required) {
    h.open("label", "for", id).text(label).close();
    h.preformatted("textarea", value, "name", name, "id", id, "rows", String.valueOf(rows), "minlength", minLength > 0 ? String.valueOf(minLength) : null,
        "maxlength", String.valueOf(maxLength), "required", required ? "" : null);
  }

  /** A submit button. */
  static void submit(Html h, String label, String id, @Nullable String cssClass) {
    h.element("button", label, "type", "submit", "id", id, "class", cssClass);
  }

  /** A select whose options are {@code value, label} pairs; {@code selected} is the current value. */
  static void select(Html h, String label, String name, String id, String selected, String... valueLabels) {
    h.open("label", "for", id).text(label).close();
    h.open("select", "name", name, "id", id);
    for (int i = 0; i + 1 < valueLabels.length; i += 2) {
      h.element("option", valueLabels[i + 1], "value", valueLabels[i], "selected", valueLabels[i].equals(selected) ? "" : null);
    }
    h.close("select");
  }
}
