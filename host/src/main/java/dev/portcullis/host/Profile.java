package dev.portcullis.host;

import java.util.Locale;
import java.util.Optional;

/** Which part of a container host a check looks at; {@code --profile} selects them. */
public enum Profile {
  DOCKER,
  PODMAN,
  KUBELET,
  LINUX;

  /** {@code docker}, {@code podman}, {@code kubelet}, {@code linux}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Profile> parse(String word) {
    for (Profile p : values()) {
      if (p.label().equals(word.strip().toLowerCase(Locale.ROOT))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
