package dev.portcullis.admission.k8s;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Admission;
import dev.portcullis.admission.ContainerImage;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.PodSecurityChecks;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.Violation;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.rules.k8s.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Kubernetes validating and mutating admission webhooks, as functions from a request body to a
 * reply; the caller serves them over HTTPS and records every reply. A review is answered in the
 * version it came in ({@code admission.k8s.io/v1} or {@code v1beta1}).
 *
 * <p>What it promises, whatever the body: no exception escapes; a body over the limit is a 413
 * reply, one that is not an AdmissionReview with a request UID a 400 reply (the API server then
 * applies the webhook's {@code failurePolicy}); an object of a pod-bearing kind that cannot be
 * checked as it is (a field of the wrong type, no container, more than {@value #MAX_CONTAINERS}
 * containers) is refused, never admitted. Kinds: {@code Pod} (and its {@code ephemeralcontainers}
 * subresource, kind {@code EphemeralContainers} before Kubernetes 1.23), {@code Deployment},
 * {@code StatefulSet}, {@code DaemonSet}, {@code ReplicaSet}, {@code ReplicationController},
 * {@code Job}, {@code CronJob}. Any other kind is admitted unchecked when it holds no container
 * list anywhere, and refused when it does (a pod template Portcullis does not know how to find is
 * not waved through). {@code DELETE} and {@code CONNECT}, and subresources other than {@code
 * ephemeralcontainers} ({@code status}, {@code scale}, ...), carry no new container and are admitted.
 * Thread-safe.
 */
public final class Webhook {
  public static final int MAX_CONTAINERS = 200;
  /** Kubernetes shows admission warnings to users; each is kept this short, and there are at most {@value #MAX_WARNINGS}. */
  public static final int MAX_WARNING_CHARS = 120;
  public static final int MAX_WARNINGS = 10;
  private static final int MAX_MESSAGE_CHARS = 4000;
  private static final Set<String> VERSIONS = Set.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1");
  private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64).build()).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final Evidence evidence;
  private final Admission admission;
  private final Clock clock;
  private final int maxBodyBytes;
  /**
   * Pod Security results by the SHA-256 of the level, the name and the checked object's text: a
   * Deployment's pods, its ReplicaSet and their retries repeat it. At most {@value #POD_SECURITY_ENTRIES}
   * digests and their violations, whatever the objects' size.
   */
  private final Map<String, List<Violation>> podSecurity = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int POD_SECURITY_ENTRIES = 1024;

  /**
   * @param evidence what is known about images (local state: the hot path never reads a registry
   *     unless a stage asks {@code onMissing: fetch})
   * @param maxBodyBytes the largest request body read; Kubernetes objects are at most about 1.5 MiB
   */
  public Webhook(Evidence evidence, Clock clock, int maxBodyBytes) {
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("the body limit must be positive, not " + maxBodyBytes);
    }
    this.evidence = Objects.requireNonNull(evidence, "evidence");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.admission = new Admission(evidence, clock);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * What the API server asked, for the record.
   *
   * @param uid the request's UID, echoed in the answer
   * @param kind the object's kind ({@code Deployment})
   * @param namespace empty for cluster-scoped objects
   * @param name empty when the object is created with {@code generateName}
   * @param operation {@code CREATE}, {@code UPDATE}, {@code DELETE} or {@code CONNECT}
   * @param userName who asked
   * @param dryRun whether nothing will be stored (never record such a request as a deployment)
   */
  public record Request(String uid, String kind, String namespace, String name, String operation, String userName, boolean dryRun) {}

  /** What was decided, for the audit record. */
  public sealed interface Result {
    /**
     * The request was checked; {@code outcome} says whether it was admitted, {@code containers} what
     * it asked to run and {@code resolved} the digest each tag-named image was found at.
     */
    record Decided(Outcome outcome, List<ContainerImage> containers, java.util.Map<String, Digest> resolved) implements Result {
      public Decided {
        containers = List.copyOf(containers);
        resolved = java.util.Map.copyOf(resolved);
      }
    }

    /** Tags replaced by digests ({@code pins}); {@code unresolved} names the tag-only images left as they were. */
    record Pinned(List<Pin> pins, List<String> unresolved) implements Result {
      public Pinned {
        pins = List.copyOf(pins);
        unresolved = List.copyOf(unresolved);
      }
    }

    /** Admitted without a check, and why (a DELETE, a kind without a pod spec). */
    record Passed(String reason) implements Result {}

    /** Not checkable: refused (when the reply is a review) or answered with an HTTP error, and why. */
    record Rejected(String reason) implements Result {}
  }

  /** One image pinned: the container, the JSON Pointer patched, the image as written and what it became. */
  public record Pin(String container, String path, String image, String pinned) {}

  /**
   * The answer to send: {@code httpStatus} and {@code json} (an AdmissionReview when 200, else
   * {@code {"error": ...}}), the request when it could be read, and what was decided.
   */
  public record Reply(int httpStatus, byte[] json, Optional<Request> request, Result result) {
    public String body() {
      return new String(json, StandardCharsets.UTF_8);
    }
  }

  public Reply validate(byte[] body, StagePolicy policy) {
    return validate(body, r -> policy);
  }

  public Reply mutate(byte[] body, StagePolicy policy) {
    return mutate(body, r -> policy);
  }

  /** Validates under the policy {@code policies} picks for the request (by its namespace, typically). */
  public Reply validate(byte[] body, Function<Request, StagePolicy> policies) {
    return answer(body, policies, false);
  }

  /** Pins tags under the policy {@code policies} picks for the request. */
  public Reply mutate(byte[] body, Function<Request, StagePolicy> policies) {
    return answer(body, policies, true);
  }

  private record Review(String apiVersion, Request request, JsonNode raw) {}

  private Reply answer(byte[] body, Function<Request, StagePolicy> policies, boolean mutating) {
    if (body.length > maxBodyBytes) {
      return error(413, "request body of " + body.length + " bytes is over the limit of " + maxBodyBytes + " bytes");
    }
    Review review;
    try {
      review = review(body);
    } catch (PodObject.Malformed e) {
      return error(400, e.getMessage());
    }
    try {
      return decide(review, policies, mutating);
    } catch (PodObject.Malformed e) {
      return deny(review, 400, "portcullis: cannot check this " + review.request().kind() + ": " + e.getMessage(),
          List.of(), new Result.Rejected(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      // Nothing must escape to the server; an error here is ours, and it refuses.
      String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return deny(review, 500, "portcullis: could not decide this request (" + why + ")", List.of(), new Result.Rejected(why));
    }
  }

  private static Review review(byte[] body) throws PodObject.Malformed {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new PodObject.Malformed("not a JSON AdmissionReview: " + why);
    }
    if (root == null || !root.isObject()) {
      throw new PodObject.Malformed("not a JSON AdmissionReview: the body is not a JSON object");
    }
    String apiVersion = root.path("apiVersion").asText("");
    if (!VERSIONS.contains(apiVersion) || !root.path("kind").asText("").equals("AdmissionReview")) {
      throw new PodObject.Malformed("not an AdmissionReview of admission.k8s.io/v1 or v1beta1 (apiVersion '" + printable(apiVersion) + "')");
    }
    JsonNode request = root.get("request");
    if (request == null || !request.isObject()) {
      throw new PodObject.Malformed("the AdmissionReview has no request object");
    }
    JsonNode uid = request.get("uid");
    if (uid == null || !uid.isTextual() || uid.asText().isBlank() || uid.asText().length() > 128
        || !uid.asText().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new PodObject.Malformed("the AdmissionReview's request has no valid uid");
    }
    String kind = request.path("kind").isObject() ? request.path("kind").path("kind").asText("") : "";
    String operation = request.path("operation").isTextual() ? request.path("operation").asText() : "";
    JsonNode dryRun = request.get("dryRun");
    Request r = new Request(uid.asText(), kind, textOr(request, "namespace"), textOr(request, "name"), operation,
        request.path("userInfo").isObject() ? textOr(request.get("userInfo"), "username") : "", dryRun != null && dryRun.asBoolean(false));
    return new Review(apiVersion, r, request);
  }

  private static String textOr(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : "";
  }

  private Reply decide(Review review, Function<Request, StagePolicy> policies, boolean mutating) throws PodObject.Malformed, IOException {
    Request r = review.request();
    JsonNode raw = review.raw();
    if (r.kind().isEmpty()) {
      throw new PodObject.Malformed("request.kind.kind is missing");
    }
    if (!Set.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(r.operation())) {
      throw new PodObject.Malformed("request.operation '" + printable(r.operation()) + "' is not CREATE, UPDATE, DELETE or CONNECT");
    }
    JsonNode dryRun = raw.get("dryRun");
    if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
      throw new PodObject.Malformed("request.dryRun is not a boolean");
    }
    if (r.operation().equals("DELETE") || r.operation().equals("CONNECT")) {
      return allow(review, List.of(), Optional.empty(), new Result.Passed(r.operation() + " starts no container"));
    }
    JsonNode sub = raw.get("subResource");
    String subResource = sub != null && sub.isTextual() ? sub.asText() : "";
    if (sub != null && !sub.isNull() && !sub.isTextual()) {
      throw new PodObject.Malformed("request.subResource is not a string");
    }
    if (!subResource.isEmpty() && !subResource.equals("ephemeralcontainers")) {
      return allow(review, List.of(), Optional.empty(), new Result.Passed("subresource " + printable(subResource) + " starts no container"));
    }
    JsonNode object = raw.get("object");
    if (object == null || !object.isObject()) {
      throw new PodObject.Malformed("request.object is missing or not an object");
    }
    String objectKind = object.path("kind").asText("");
    if (!objectKind.isEmpty() && !objectKind.equals(r.kind())) {
      throw new PodObject.Malformed("request.kind is " + r.kind() + " but the object's kind is " + printable(objectKind));
    }
    JsonNode metadata = object.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      throw new PodObject.Malformed("metadata is not an object");
    }
    if (!PodObject.KINDS.containsKey(r.kind())) {
      if (holdsContainers(object, 0)) {
        throw new PodObject.Malformed("kind " + printable(r.kind()) + " holds containers, and Portcullis does not know where its pod template is; "
            + "do not register the webhook for it, or exclude it");
      }
      return allow(review, List.of(), Optional.empty(), new Result.Passed("kind " + printable(r.kind()) + " carries no pod spec"));
    }
    PodObject pod = PodObject.of(r.kind(), object, MAX_CONTAINERS);
    StagePolicy policy = policies.apply(r);
    return mutating ? pin(review, pod, policy) : check(review, pod, policy);
  }

  /** Whether a {@code containers}, {@code initContainers} or {@code ephemeralContainers} list sits anywhere in {@code n}. */
  private static boolean holdsContainers(JsonNode n, int depth) {
    if (depth > 32) {
      return true;
    }
    if (n.isObject()) {
      for (var e : n.properties()) {
        if (PodObject.FIELDS.contains(e.getKey()) && e.getValue().isArray() || holdsContainers(e.getValue(), depth + 1)) {
          return true;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode item : n) {
        if (holdsContainers(item, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private Reply check(Review review, PodObject pod, StagePolicy policy) throws PodObject.Malformed, IOException {
    Request r = review.request();
    List<Violation> violations = new ArrayList<>();
    List<dev.portcullis.rules.Check<Manifests>> checks = PodSecurityChecks.checks(policy.podSecurity());
    if (!checks.isEmpty()) {
      String name = r.name().isEmpty() ? "unnamed" : r.name();
      String file = r.kind() + "/" + name;
      ObjectNode object = pod.forChecks(name, r.namespace());
      String key = sha256(policy.podSecurity() + " " + file + " " + object);
      List<Violation> found = podSecurity.get(key);
      if (found == null) {
        Manifests manifests = Manifests.of(file, dev.portcullis.admission.json.internal.JsonTrees.documents(file, object));
        if (!manifests.problems().isEmpty() || manifests.workloads().size() != 1) {
          throw new PodObject.Malformed("the object could not be read for the Kubernetes checks"
              + (manifests.problems().isEmpty() ? "" : ": " + manifests.problems().getFirst().message()));
        }
        found = PodSecurityChecks.evaluate(manifests, checks);
        if (podSecurity.size() >= POD_SECURITY_ENTRIES) {
          podSecurity.clear();
        }
        podSecurity.put(key, found);
      }
      violations.addAll(found);
    }
    List<ContainerImage> images = pod.containers().stream().map(s -> new ContainerImage(s.name(), s.field(), s.image())).toList();
    Admission.Checked checked = admission.images(images, policy);
    violations.addAll(checked.violations());
    Outcome outcome = Admission.outcome(violations, checked.warnings(), policy.mode());
    return switch (outcome) {
      case Outcome.Admit admit -> allow(review, admit.warnings(), Optional.empty(), new Result.Decided(outcome, images, checked.resolved()));
      case Outcome.Refuse refuse -> deny(review, 403, "portcullis: denied by stage " + policy.stage() + ": " + refuse.message(),
          checked.warnings(), new Result.Decided(outcome, images, checked.resolved()));
    };
  }

  private Reply pin(Review review, PodObject pod, StagePolicy policy) throws IOException {
    Instant deadline = clock.instant().plus(policy.fetchDeadline());
    List<Pin> pins = new ArrayList<>();
    List<String> unresolved = new ArrayList<>();
    ArrayNode patch = JSON.createArrayNode();
    for (PodObject.Slot s : pod.containers()) {
      if (s.image().contains("@")) {
        continue;
      }
      Optional<Digest> digest;
      try {
        digest = evidence.resolve(ImageRef.parse(s.image()), deadline);
      } catch (IllegalArgumentException | IOException e) {
        digest = Optional.empty();
      }
      if (digest.isEmpty()) {
        unresolved.add(s.image());
        continue;
      }
      String pinned = s.image() + "@" + digest.get();
      String path = s.path(pod.base());
      patch.addObject().put("op", "replace").put("path", path).put("value", pinned);
      pins.add(new Pin(s.name(), path, s.image(), pinned));
    }
    Optional<byte[]> jsonPatch = patch.isEmpty() ? Optional.empty() : Optional.of(JSON.writeValueAsBytes(patch));
    return allow(review, List.of(), jsonPatch, new Result.Pinned(pins, unresolved));
  }

  private static Reply allow(Review review, List<String> warnings, Optional<byte[]> patch, Result result) {
    ObjectNode response = response(review);
    response.put("allowed", true);
    patch.ifPresent(p -> response.put("patchType", "JSONPatch").put("patch", Base64.getEncoder().encodeToString(p)));
    warnings(response, warnings);
    return reply(review, response, result);
  }

  private static Reply deny(Review review, int code, String message, List<String> warnings, Result result) {
    ObjectNode response = response(review);
    response.put("allowed", false);
    response.putObject("status").put("status", "Failure").put("code", code).put("reason", code == 403 ? "Forbidden" : code == 400 ? "BadRequest"
        : "InternalError").put("message", shorten(message, MAX_MESSAGE_CHARS));
    warnings(response, warnings);
    return reply(review, response, result);
  }

  private static ObjectNode response(Review review) {
    return JSON.createObjectNode().put("uid", review.request().uid());
  }

  private static void warnings(ObjectNode response, List<String> warnings) {
    if (warnings.isEmpty()) {
      return;
    }
    ArrayNode out = response.putArray("warnings");
    int shown = warnings.size() > MAX_WARNINGS ? MAX_WARNINGS - 1 : warnings.size();
    for (int i = 0; i < shown; i++) {
      out.add(shorten(warnings.get(i), MAX_WARNING_CHARS));
    }
    if (shown < warnings.size()) {
      out.add("portcullis: " + (warnings.size() - shown) + " more warnings; see the audit record");
    }
  }

  private static String shorten(String text, int max) {
    String clean = printable(text);
    return clean.length() <= max ? clean : clean.substring(0, max - 3) + "...";
  }

  /** The text on one line without control characters, as Kubernetes shows it. */
  private static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}+", " ");
  }

  private static Reply reply(Review review, ObjectNode response, Result result) {
    ObjectNode root = JSON.createObjectNode().put("apiVersion", review.apiVersion()).put("kind", "AdmissionReview");
    root.set("response", response);
    try {
      return new Reply(200, JSON.writeValueAsBytes(root), Optional.of(review.request()), result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing an AdmissionReview", e);
    }
  }

  private static Reply error(int status, String message) {
    ObjectNode root = JSON.createObjectNode().put("error", printable(message));
    try {
      return new Reply(status, JSON.writeValueAsBytes(root), Optional.empty(), new Result.Rejected(message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing an error", e);
    }
  }
}
