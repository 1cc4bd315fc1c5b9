package dev.portcullis.server.auth;

import java.util.Collection;

/**
 * The one permission check. A scoped permission holds when, for every repository the request
 * touches, some grant's role has the permission and its patterns cover that repository (a request
 * that names no repository needs the permission in some grant: what it lists is then filtered with
 * {@link #visible}); a global permission needs a grant with the permission that covers every repository.
 */
public final class Authorizer {
  private Authorizer() {}

  public static boolean allowed(Identity who, Permission p, Collection<String> repositories) {
    if (who.kind() == Identity.Kind.ACTOR) {
      return true;
    }
    if (!p.scoped()) {
      return who.grants().stream().anyMatch(g -> g.role().allows(p) && g.global());
    }
    if (repositories.isEmpty()) {
      return who.grants().stream().anyMatch(g -> g.role().allows(p));
    }
    return repositories.stream().allMatch(r -> who.grants().stream().anyMatch(g -> g.role().allows(p) && g.covers(r)));
  }

  /** Whether an item of a list in {@code repository} may be shown to {@code who}. */
  public static boolean visible(Identity who, String repository) {
    return allowed(who, Permission.READ, java.util.List.of(repository));
  }
}
