package dev.portcullis.core;

import java.util.List;

/**
 * The operating system of an image, from {@code os-release} or its fallbacks: {@code id} as
 * {@code ID=} says ({@code debian}, {@code alpine}, {@code rhel}...), {@code versionId} as {@code
 * VERSION_ID=} ({@code 12}, {@code 3.20.1}), {@code idLike} as {@code ID_LIKE=}.
 */
public record Distro(String id, String versionId, String prettyName, List<String> idLike) {
  public Distro {
    if (id.isBlank()) {
      throw new IllegalArgumentException("a distribution needs an id");
    }
    idLike = List.copyOf(idLike);
  }

  @Override
  public String toString() {
    return id + (versionId.isEmpty() ? "" : " " + versionId);
  }
}
