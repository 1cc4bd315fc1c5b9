package dev.portcullis.admission;

import java.util.Objects;

/**
 * One container's image as the request names it.
 *
 * @param container the container's name ({@code ?} when the request names none)
 * @param field where it was declared: {@code containers}, {@code initContainers}, {@code
 *     ephemeralContainers} (Kubernetes), {@code oci} (a runtime hook), {@code docker} (an engine request)
 * @param image the reference as written, for example {@code nginx:1.25} or {@code
 *     registry.example:5000/app@sha256:...}
 */
public record ContainerImage(String container, String field, String image) {
  public ContainerImage {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(image, "image");
  }
}
