package dev.portcullis.policy.score;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the score and the policies know of the image itself.
 *
 * @param name the reference or source it was read from
 * @param digest its manifest digest ({@code sha256:...})
 * @param user the config's {@code User}, empty when unset (which means root)
 * @param labels the config's labels
 */
public record ImageFacts(String name, String digest, String user, Map<String, String> labels) {
  public ImageFacts {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /** Whether processes start as root: no user, {@code root} or UID 0, with or without a group. */
  public boolean runsAsRoot() {
    String u = user.strip();
    int colon = u.indexOf(':');
    String who = colon < 0 ? u : u.substring(0, colon);
    return who.isEmpty() || who.equals("root") || who.equals("0");
  }
}
