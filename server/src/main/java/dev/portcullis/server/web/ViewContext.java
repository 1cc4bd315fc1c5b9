package dev.portcullis.server.web;

import dev.portcullis.server.auth.Authorizer;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Permission;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who a page is rendered for: the signed-in identity (its name in the header; its grants decide
 * which forms a page shows, through the one {@link Authorizer}), the session's CSRF token that
 * every form carries, and the message of the last form post, if any. Showing a form is a courtesy:
 * the server checks every post again.
 *
 * @param flash the outcome of the form post that led here; {@code null} for none
 */
public record ViewContext(Identity identity, String csrfToken, @Nullable Flash flash) {
  /** A one-line message shown at the top of the page after a form post. */
  public record Flash(boolean error, String message) {
    public static Flash ok(String message) {
      return new Flash(false, message);
    }

    public static Flash error(String message) {
      return new Flash(true, message);
    }
  }

  public ViewContext {
    if (!identity.authenticated()) {
      throw new IllegalArgumentException("a dashboard page is rendered for a signed-in identity");
    }
    if (csrfToken.isBlank()) {
      throw new IllegalArgumentException("a dashboard page needs the session's CSRF token for its forms");
    }
  }

  public ViewContext(Identity identity, String csrfToken) {
    this(identity, csrfToken, null);
  }

  /** What the header shows. */
  public String identityName() {
    return identity.name();
  }

  /** Whether the identity has {@code p} somewhere (a global permission: everywhere). */
  public boolean may(Permission p) {
    return Authorizer.allowed(identity, p, List.of());
  }

  /** Whether the identity has {@code p} on {@code repository}. */
  public boolean may(Permission p, String repository) {
    return Authorizer.allowed(identity, p, List.of(repository));
  }

  /** Never shows the CSRF token. */
  @Override
  public String toString() {
    return "ViewContext[" + identity.display() + "]";
  }
}
