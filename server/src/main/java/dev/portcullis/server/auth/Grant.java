package dev.portcullis.server.auth;

import dev.portcullis.server.config.RepositoryGlob;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A role over the repositories matching any of its patterns ({@code *} within a path segment,
 * {@code **} across); {@code **} alone covers every repository and is what global permissions need.
 */
public record Grant(Role role, List<String> repositories) {
  /** The pattern that covers every repository. */
  public static final String EVERYWHERE = "**";
  private static final Pattern PATTERN = Pattern.compile("[a-z0-9*][a-z0-9._/*-]{0,254}");

  public Grant {
    repositories = List.copyOf(repositories);
    if (repositories.isEmpty()) {
      throw new IllegalArgumentException("a grant of " + role.label() + " names no repository pattern");
    }
    for (String r : repositories) {
      if (!PATTERN.matcher(r).matches()) {
        throw new IllegalArgumentException("'" + r + "' is not a repository pattern (lower-case name, / and * or **)");
      }
    }
  }

  public static Grant everywhere(Role role) {
    return new Grant(role, List.of(EVERYWHERE));
  }

  /** Whether the grant covers every repository. */
  public boolean global() {
    return repositories.contains(EVERYWHERE);
  }

  public boolean covers(String repository) {
    return repositories.stream().anyMatch(p -> RepositoryGlob.compile(p).matcher(repository).matches());
  }

  /** {@code role:pattern,pattern}, as the configuration and the API write a grant. */
  @Override
  public String toString() {
    return role.label() + ":" + String.join(",", repositories);
  }

  /** Reads {@link #toString()}'s form. @throws IllegalArgumentException with the reason */
  public static Grant parse(String s) {
    int colon = s.indexOf(':');
    Role role = Role.parse(colon < 0 ? s : s.substring(0, colon));
    return new Grant(role, colon < 0 ? List.of(EVERYWHERE) : List.of(s.substring(colon + 1).split(",", -1)));
  }
}
