package dev.portcullis.oci;

import java.util.List;
import java.util.Map;

/** An OCI image index or Docker manifest list: manifests for several platforms, or nested indexes. */
public record ImageIndex(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }
}
