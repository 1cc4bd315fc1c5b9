package dev.portcullis.policy.score;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the score and the policies know of the image itself.
 *
 * @param name the reference or source it was read from
 * @param digest its manifest digest ({@code sha256:...}); a directory ({@code dir:PATH}) has none: {@code directory PATH}
 * @param user the config's {@code User}, empty when unset (which means root); a directory has no config, hence no user
 * @param labels the config's labels
 */
public record ImageFacts(String name, String digest, String user, Map<String, String> labels) {
  public ImageFacts {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  private static final String DIRECTORY = "directory ";

  /** A directory read as an image: no config, so no user and no labels; {@code digest} is {@code directory PATH}. */
  public static ImageFacts directory(String name, String digest) {
    if (!digest.startsWith(DIRECTORY)) {
      throw new IllegalArgumentException("a directory's facts stand where a digest goes as 'directory PATH', not " + digest);
    }
    return new ImageFacts(name, digest, "", Map.of());
  }

  /** Whether these are the facts of a directory ({@code dir:PATH}) rather than of an image. */
  public boolean directory() {
    return digest.startsWith(DIRECTORY);
  }

  /** Whether processes start as root: no user, {@code root} or UID 0, with or without a group; a directory starts none. */
  public boolean runsAsRoot() {
    if (directory()) {
      return false;
    }
    String u = user.strip();
    int colon = u.indexOf(':');
    String who = colon < 0 ? u : u.substring(0, colon);
    return who.isEmpty() || who.equals("root") || who.equals("0");
  }
}
