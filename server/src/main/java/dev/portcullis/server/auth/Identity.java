package dev.portcullis.server.auth;

import java.util.List;
import java.util.Set;

/**
 * Who makes a request or takes a decision, as the server authenticated it: a local user (from a
 * session or a password), an API token, one of the server's own actors, or nobody. An external
 * identity provider would produce the same value (kind {@code USER}, its subject as {@code id}).
 *
 * @param id stable and unique: {@code user:NAME}, {@code token:ID}, {@code actor:NAME}; what the
 *     audit trail records and what separation of duties compares through {@link #principal()}
 * @param name what people read
 * @param owner the user a token was made for ({@code ""} for a machine token or anything else)
 * @param source the address the request came from ({@code ""} inside the server)
 */
public record Identity(Kind kind, String id, String name, String owner, List<Grant> grants, String source) {
  /** The kinds of caller. */
  public enum Kind { USER, TOKEN, ACTOR, ANONYMOUS }

  /** The scanner, registry events, the sweep and the promoter: grants of their own do not matter, they never pass the HTTP check. */
  public static final Set<String> ACTORS = Set.of("scanner", "rescan", "registry-events", "sweep", "promoter", "configuration", "server",
      "admission");

  public Identity {
    grants = List.copyOf(grants);
  }

  public static Identity anonymous(String source) {
    return new Identity(Kind.ANONYMOUS, "anonymous", "anonymous", "", List.of(), source);
  }

  /**
   * The identity behind an actor as the store records it: an identity's {@link #principal()}
   * ({@code user:alice}, {@code token:ID}) or one of the server's actors ({@code scanner},
   * {@code rescan}, {@code sweep}, {@code registry NAME}).
   */
  public static Identity recorded(String actor) {
    if (actor.startsWith("user:")) {
      return new Identity(Kind.USER, actor, actor.substring(5), "", List.of(), "");
    }
    if (actor.startsWith("token:")) {
      return new Identity(Kind.TOKEN, actor, actor.substring(6), "", List.of(), "");
    }
    if (actor.startsWith("registry ")) {
      return new Identity(Kind.ACTOR, "actor:registry-events:" + actor.substring(9), "registry-events:" + actor.substring(9), "", List.of(), "");
    }
    return new Identity(Kind.ACTOR, "actor:" + actor, actor, "", List.of(), "");
  }

  /** One of the server's own actors. */
  public static Identity actor(String name) {
    if (!ACTORS.contains(name) && !name.startsWith("registry-events:")) {
      throw new IllegalArgumentException("no server actor " + name);
    }
    return new Identity(Kind.ACTOR, "actor:" + name, name, "", List.of(), "");
  }

  public static Identity user(String name, List<Grant> grants, String source) {
    return new Identity(Kind.USER, "user:" + name, name, "", grants, source);
  }

  /** A token; {@code owner} is the user it acts for, or "" for a machine token. */
  public static Identity token(String tokenId, String name, String owner, List<Grant> grants, String source) {
    return new Identity(Kind.TOKEN, "token:" + tokenId, name, owner, grants, source);
  }

  /**
   * The person or machine behind the identity: a user's tokens are that user, so nobody approves
   * their own request by switching from the dashboard to a token.
   */
  public String principal() {
    return kind == Kind.TOKEN && !owner.isEmpty() ? "user:" + owner : id;
  }

  /** The same identity, calling from {@code address}. */
  public Identity from(String address) {
    return new Identity(kind, id, name, owner, grants, address);
  }

  public boolean authenticated() {
    return kind != Kind.ANONYMOUS;
  }

  /** {@code user alice}, {@code token ci (of alice)}, {@code actor scanner}. */
  public String display() {
    return switch (kind) {
      case USER -> "user " + name;
      case TOKEN -> "token " + name + (owner.isEmpty() ? "" : " (of " + owner + ")");
      case ACTOR -> "actor " + name;
      case ANONYMOUS -> "anonymous";
    };
  }
}
