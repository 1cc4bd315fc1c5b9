package dev.portcullis.server.web;

import org.jspecify.annotations.Nullable;

/**
 * What a failed form post or page shows: the status and the one-line message, with a link back.
 * Element ids: {@code error-status}, {@code error-message}, {@code error-back}.
 */
public final class ErrorPage {
  private ErrorPage() {}

  /**
   * @param ctx the signed-in identity, or {@code null} when there is none (then no navigation)
   * @param status the HTTP status
   * @param message what was being done and why it failed, in one line (the API's error message)
   * @param back the page to go back to; anything but a dashboard path becomes the images page
   */
  public static String render(@Nullable ViewContext ctx, int status, String message, String back) {
    String title = status + " " + reason(status);
    String link = LoginPage.safeNext(back);
    java.util.function.Consumer<Html> body = h -> {
      h.element("p", "HTTP " + status, "id", "error-status", "class", "meta");
      h.element("p", message, "id", "error-message", "class", "flash flash-error", "role", "alert");
      h.open("p").link(link, "Back", "id", "error-back").close();
    };
    return ctx == null ? Layout.bare(title, 2048, body) : Layout.page(ctx, title, null, 4096, body);
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Not signed in";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      case 413 -> "Too large";
      case 415 -> "Unsupported media type";
      case 429 -> "Too many requests";
      case 500 -> "Server error";
      case 502 -> "Bad gateway";
      case 503 -> "Unavailable";
      default -> status >= 500 ? "Server error" : "Refused";
    };
  }
}
