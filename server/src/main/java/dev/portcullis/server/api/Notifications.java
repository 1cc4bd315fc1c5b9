package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Distribution notification envelope ({@code application/vnd.docker.distribution.events.v1+json}):
 * the push events of manifests, each naming a repository, a digest and maybe a tag. Every other
 * event (pulls, blob pushes, deletes) is counted as ignored; an event that claims to be a manifest
 * push but is malformed is ignored too, and said so, rather than failing the whole envelope.
 */
final class Notifications {
  static final String MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";
  /** The most events one envelope may carry (Distribution sends few per envelope). */
  static final int MAX_EVENTS = 10_000;

  private static final Set<String> MANIFESTS = Set.of(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
      "application/vnd.docker.distribution.manifest.v2+json");

  private Notifications() {}

  /** A manifest push. */
  record Push(String repository, Digest digest, @Nullable String tag) {}

  /** The pushes of an envelope, and how many events were not pushes of manifests. */
  record Parsed(int events, List<Push> pushes, int ignored, List<String> problems) {}

  static Parsed parse(JsonNode envelope) {
    JsonNode events = envelope.get("events");
    if (events == null || !events.isArray()) {
      throw new ApiException(400, "BAD_REQUEST", "not a notification envelope: no \"events\" list");
    }
    if (events.size() > MAX_EVENTS) {
      throw new ApiException(413, "TOO_LARGE", "the envelope has " + events.size() + " events; at most " + MAX_EVENTS + " are read");
    }
    List<Push> pushes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int ignored = 0;
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      JsonNode target = e.path("target");
      if (!"push".equals(e.path("action").asText()) || !MANIFESTS.contains(target.path("mediaType").asText())) {
        ignored++;
        continue;
      }
      String repository = target.path("repository").asText("");
      String digest = target.path("digest").asText("");
      String tag = target.path("tag").isTextual() && !target.path("tag").asText().isEmpty() ? target.path("tag").asText() : null;
      if (!ImageRef.isRepository(repository) || repository.length() > 255) {
        problems.add("event " + i + ": repository '" + clip(repository) + "' is not a repository name");
        ignored++;
        continue;
      }
      if (tag != null && !ImageRef.isTag(tag)) {
        problems.add("event " + i + ": tag '" + clip(tag) + "' is not a tag");
        ignored++;
        continue;
      }
      Digest d;
      try {
        d = Digest.parse(digest);
      } catch (IllegalArgumentException ex) {
        problems.add("event " + i + ": '" + clip(digest) + "' is not a digest");
        ignored++;
        continue;
      }
      pushes.add(new Push(repository, d, tag));
    }
    return new Parsed(events.size(), pushes, ignored, problems);
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
