package dev.portcullis.rules;

/**
 * An input that checks evaluate: a Dockerfile, an image, a set of Kubernetes manifests, a Compose
 * file. {@link #name()} is what findings and problems call it (a file path, an image name).
 */
public interface Subject {
  String name();

  /** What could not be read of this input; reported with the findings. */
  default java.util.List<Problem> problems() {
    return java.util.List.of();
  }
}
