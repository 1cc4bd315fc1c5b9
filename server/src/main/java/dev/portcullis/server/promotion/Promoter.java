package dev.portcullis.server.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.oci.registry.RegistryClient.ManifestBytes;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Reason;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.server.promotion.PromotionOutcome.Transfer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Promotes an image between repositories (of one registry or two) on a gate's decision.
 *
 * <p>In order: a denial, a self-approval, a decision about another digest, or a destination tag that
 * names another digest (unless retagging is allowed) refuse before anything is written. Then the
 * manifest graph (an index and every child, nested indexes included) is copied byte for byte, so
 * every digest stays the same; blobs already at the destination are skipped, blobs of the same
 * registry are mounted, others are streamed from the source to the destination and verified against
 * their digests on both ends, never held in memory. Then the {@code .sig} and {@code .att} manifests of
 * every copied digest follow with their blobs. The destination is then read back: every manifest
 * with its digest, every blob present, every signature and attestation that verifies at the source
 * with the trusted keys verifying there too. A signed promotion attestation ({@link #PREDICATE_TYPE})
 * is added, and only then is the destination tag written. An interruption at any point before that
 * leaves the tag as it was; what was copied stays under its digest only, for the registry's garbage
 * collection or the next attempt.
 *
 * <p>The Distribution API has no compare-and-set on tags: the destination tag is read again right
 * before it is written, which narrows but cannot close the window for a concurrent writer.
 */
public final class Promoter {
  /** The in-toto predicate type of the promotion attestation. */
  public static final String PREDICATE_TYPE = "https://portcullis.dev/attestation/promotion/v1";
  /** The largest manifest or index read ({@link Limits#DEFAULT}'s metadata limit). */
  public static final long MAX_MANIFEST_BYTES = Limits.DEFAULT.maxMetadataBytes();
  /** The most manifests one promotion copies (an index and its children, nested ones included). */
  public static final int MAX_MANIFESTS = 1024;
  /** How deep indexes may nest under the root. */
  public static final int MAX_DEPTH = 4;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Clock clock;

  public Promoter(Clock clock) {
    this.clock = clock;
  }

  /**
   * Performs {@code request}. Registry failures, a source that is not a readable image and limits
   * exceeded are {@link IOException}s with a one-line message; the destination tag is then untouched.
   */
  public PromotionOutcome promote(PromotionRequest request) throws IOException {
    Gate.Result decision = request.decision();
    if (decision.decision() instanceof Decision.Deny deny) {
      return new PromotionOutcome.Denied(decision.stage(), decision.policy().name(), deny.reasons());
    }
    if (request.approver().isPresent() && request.approver().get().equals(request.requester())) {
      return new PromotionOutcome.SelfApproval(request.requester());
    }
    ManifestBytes root = request.sourceClient().manifest(request.source(), MAX_MANIFEST_BYTES);
    Digest digest = root.digest();
    // blobs and manifests are addressed by repository and digest; tags play no part until the last step
    ImageRef from = new ImageRef(request.source().registry(), request.source().repository(), null, digest);
    ImageRef toRepo = new ImageRef(request.destination().registry(), request.destination().repository(), null, digest);
    ImageRef source = request.source().withDigest(digest);
    List<Node> graph = graph(request.sourceClient(), from, root);
    String decided = decision.after().image().digest();
    if (graph.stream().noneMatch(n -> n.digest().toString().equals(decided))) {
      return new PromotionOutcome.OtherImage(decided, digest);
    }
    Optional<Digest> before = tagged(request.destinationClient(), request.destination());
    if (before.isPresent() && !before.get().equals(digest) && !request.allowRetag()) {
      return new PromotionOutcome.TagTaken(request.destination(), before.get(), digest);
    }

    Transfer transfer = copy(request.sourceClient(), request.destinationClient(), from, toRepo, graph);
    CosignStore sourceStore = new CosignStore(request.sourceClient());
    CosignStore destinationStore = new CosignStore(request.destinationClient());
    List<CosignStore.Copied> signatures = new ArrayList<>();
    for (Node n : graph) {
      signatures.addAll(destinationStore.copy(sourceStore, from, toRepo, n.digest()));
    }

    List<String> problems = new ArrayList<>(missing(request.destinationClient(), toRepo, graph));
    int verified = 0;
    for (Node n : graph) {
      verified += verifySignatures(sourceStore, destinationStore, from.withDigest(n.digest()), toRepo.withDigest(n.digest()), request, problems);
    }
    if (!problems.isEmpty()) {
      return new PromotionOutcome.Unverified(problems);
    }

    ImageRef pinned = toRepo.withDigest(digest);
    Optional<Digest> moved = before.filter(d -> !d.equals(digest));
    ObjectNode predicate = predicate(source, request.destination().withDigest(digest), request, moved);
    CosignStore.Appended attestation = new ImageSigner(destinationStore).attest(pinned, PREDICATE_TYPE, predicate, request.signer());
    Verification self = new CosignVerifier(destinationStore, clock)
        .verify(pinned, new Requirement.Attested(List.of(request.signer().publicKey()), PREDICATE_TYPE, Optional.empty()));
    switch (self) {
      case Verification.Rejected no -> {
        return new PromotionOutcome.Unverified(List.of("the promotion attestation does not verify at " + pinned + ": " + no.message()));
      }
      case Verification.Verified ok -> {
        // an earlier promotion's attestation by the same key must not stand in for this one
        if (ok.evidence().stream().noneMatch(e -> e.layer().digest().equals(attestation.layer().digest()))) {
          return new PromotionOutcome.Unverified(List.of("the promotion attestation " + attestation.layer().digest() + " is not among those that verify at "
              + pinned));
        }
      }
    }

    // the tag is written last, and only if nobody moved it since it was read
    Optional<Digest> movedFrom = tagged(request.destinationClient(), request.destination()).filter(d -> !d.equals(digest));
    if (movedFrom.isPresent() && !request.allowRetag()) {
      return new PromotionOutcome.TagTaken(request.destination(), movedFrom.get(), digest);
    }
    request.destinationClient().putManifest(request.destination(), root.bytes(), root.mediaType());
    List<Reason> warnings = decision.decision() instanceof Decision.Warn w ? w.warnings() : List.of();
    return new PromotionOutcome.Promoted(source, request.destination().withDigest(digest), decision.decision().label(), warnings, transfer,
        signatures, verified, attestation, movedFrom);
  }

  /** A manifest or index to copy, with the blobs it names (config and layers) or the manifests it lists. */
  private record Node(Digest digest, String mediaType, byte[] bytes, List<Descriptor> blobs, List<Descriptor> children) {}

  /** Every manifest reachable from {@code root}, children before the indexes that list them (the order they must be written in). */
  private static List<Node> graph(RegistryClient client, ImageRef repo, ManifestBytes root) throws IOException {
    Map<Digest, Node> nodes = new LinkedHashMap<>();
    visit(client, repo, root, 0, nodes);
    return List.copyOf(nodes.values());
  }

  private static void visit(RegistryClient client, ImageRef repo, ManifestBytes m, int depth, Map<Digest, Node> nodes) throws IOException {
    Node node = parse(repo.withDigest(m.digest()), m);
    for (Descriptor child : node.children()) {
      if (nodes.containsKey(child.digest())) {
        continue;
      }
      if (depth >= MAX_DEPTH) {
        throw new ImageReadException("promote " + repo.withDigest(m.digest()) + ": indexes nest more than " + MAX_DEPTH + " deep");
      }
      if (child.size() > MAX_MANIFEST_BYTES) {
        throw new ImageReadException("promote " + repo.withDigest(m.digest()) + ": the child manifest " + child.digest() + " declares "
            + child.size() + " bytes, more than the " + MAX_MANIFEST_BYTES + " read");
      }
      ManifestBytes c = client.manifest(repo.withDigest(child.digest()), MAX_MANIFEST_BYTES);
      visit(client, repo, c, depth + 1, nodes);
    }
    nodes.put(node.digest(), node);
    if (nodes.size() > MAX_MANIFESTS) {
      throw new ImageReadException("promote " + repo + ": more than " + MAX_MANIFESTS + " manifests under " + m.digest());
    }
  }

  private static Node parse(ImageRef where, ManifestBytes m) throws IOException {
    String what = "promote " + where;
    JsonNode json;
    try {
      json = MAPPER.readTree(m.bytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ImageReadException(what + ": the manifest is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (json == null || !json.isObject()) {
      throw new ImageReadException(what + ": the manifest is not a JSON object");
    }
    if (MediaTypes.INDEXES.contains(m.mediaType()) || json.has("manifests")) {
      List<Descriptor> children = new ArrayList<>();
      for (JsonNode d : array(json, "manifests", what)) {
        children.add(descriptor(d, what));
      }
      return new Node(m.digest(), m.mediaType(), m.bytes(), List.of(), children);
    }
    if (json.path("schemaVersion").asInt() != 2 || !json.path("config").isObject()) {
      throw new ImageReadException(what + ": not an OCI or Docker v2 image manifest (" + m.mediaType() + ")");
    }
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(descriptor(json.get("config"), what));
    for (JsonNode d : array(json, "layers", what)) {
      Descriptor layer = descriptor(d, what);
      // a foreign layer lives at its URLs, not in any registry: there is nothing to copy
      if (!(MediaTypes.FOREIGN_LAYERS.contains(layer.mediaType()) && !layer.urls().isEmpty())) {
        blobs.add(layer);
      }
    }
    return new Node(m.digest(), m.mediaType(), m.bytes(), blobs, List.of());
  }

  private static Iterable<JsonNode> array(JsonNode json, String field, String what) throws ImageReadException {
    JsonNode a = json.path(field);
    if (a.isMissingNode()) {
      return List.of();
    }
    if (!a.isArray()) {
      throw new ImageReadException(what + ": '" + field + "' is not an array");
    }
    return a;
  }

  private static Descriptor descriptor(JsonNode d, String what) throws ImageReadException {
    try {
      if (!d.isObject() || !d.path("digest").isTextual() || !d.path("size").canConvertToLong() || !d.path("size").isIntegralNumber()) {
        throw new IllegalArgumentException("a descriptor needs a digest and a size");
      }
      List<String> urls = new ArrayList<>();
      d.path("urls").forEach(u -> urls.add(u.asText()));
      return new Descriptor(d.path("mediaType").asText(""), Digest.parse(d.get("digest").asText()), d.get("size").asLong(), urls, Map.of(), null);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(what + ": bad descriptor " + abbreviate(d.toString()) + " (" + e.getMessage() + ")", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 197) + "..." : s;
  }

  /** Blobs first, then manifests children first: the registry accepts a manifest only when what it names is there. */
  private static Transfer copy(RegistryClient source, RegistryClient destination, ImageRef from, ImageRef to, List<Node> graph) throws IOException {
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    graph.forEach(n -> n.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b)));
    int present = 0;
    int mounted = 0;
    int streamed = 0;
    long bytes = 0;
    for (Descriptor blob : blobs.values()) {
      if (destination.blobExists(to, blob.digest())) {
        present++;
      } else if (destination.mountBlob(to, blob.digest(), from)) {
        mounted++;
      } else {
        // verified twice: the source stream fails unless size and digest match, and the registry checks the digest on upload
        try (InputStream in = source.blob(from, blob)) {
          destination.putBlob(to, in, blob.size(), blob.digest());
        }
        streamed++;
        bytes += blob.size();
      }
    }
    for (Node n : graph) {
      destination.putManifest(to.withDigest(n.digest()), n.bytes(), n.mediaType());
    }
    return new Transfer(graph.size(), present, mounted, streamed, bytes);
  }

  /** What the destination lacks: manifests (read back and verified against their digests) and blobs. */
  private static List<String> missing(RegistryClient destination, ImageRef to, List<Node> graph) throws IOException {
    List<String> problems = new ArrayList<>();
    Set<Digest> checked = new TreeSet<>();
    for (Node n : graph) {
      ImageRef at = to.withDigest(n.digest());
      try {
        if (destination.findManifest(at, MAX_MANIFEST_BYTES).isEmpty()) {
          problems.add("the manifest " + n.digest() + " is missing at " + to);
        }
      } catch (ImageReadException e) {
        problems.add(e.getMessage());
      }
      for (Descriptor b : n.blobs()) {
        if (checked.add(b.digest()) && !destination.blobExists(to, b.digest())) {
          problems.add("the blob " + b.digest() + " is missing at " + to);
        }
      }
    }
    return problems;
  }

  /**
   * Checks the signatures and attestations of one digest at the destination against the source: every
   * stored layer is there, and each that verifies at the source with the trusted keys verifies at the
   * destination too. Returns how many verified there.
   */
  private int verifySignatures(CosignStore sourceStore, CosignStore destinationStore, ImageRef source, ImageRef destination,
      PromotionRequest request, List<String> problems) throws IOException {
    Listing before = new CosignVerifier(sourceStore, clock).list(source, request.trusted());
    if (before.entries().isEmpty()) {
      return 0;
    }
    Listing after = new CosignVerifier(destinationStore, clock).list(destination, request.trusted());
    problems.addAll(after.unreadable());
    Map<String, Listing.Entry> there = new LinkedHashMap<>();
    after.entries().forEach(e -> there.put(e.kind() + " " + e.layer().digest(), e));
    int verified = 0;
    for (Listing.Entry e : before.entries()) {
      Listing.Entry copied = there.get(e.kind() + " " + e.layer().digest());
      if (copied == null) {
        problems.add("the " + e.kind().noun() + " " + e.layer().digest() + " of " + source + " is missing at " + destination);
        continue;
      }
      boolean wasVerified = e.check() instanceof Listing.LayerCheck.Accepted;
      switch (copied.check()) {
        case Listing.LayerCheck.Accepted ok -> verified++;
        case Listing.LayerCheck.Refused no -> {
          if (wasVerified) {
            problems.add("the " + e.kind().noun() + " " + e.layer().digest() + " verifies at " + source + " but not at " + destination + ": "
                + no.message());
          }
        }
      }
    }
    return verified;
  }

  /** The destination tag's digest, when the tag exists. */
  private static Optional<Digest> tagged(RegistryClient client, ImageRef tag) throws IOException {
    return client.findManifest(tag, MAX_MANIFEST_BYTES).map(ManifestBytes::digest);
  }

  /** The promotion predicate: from, to, digest, stage, policy, decision, score, rules fired, requester, approver, retag, time. */
  private ObjectNode predicate(ImageRef source, ImageRef destination, PromotionRequest request, Optional<Digest> moved) {
    Gate.Result r = request.decision();
    ObjectNode p = MAPPER.createObjectNode();
    p.put("from", source.toString());
    p.put("to", destination.toString());
    p.put("digest", String.valueOf(destination.digest()));
    p.put("stage", r.stage());
    p.putObject("policy").put("name", r.policy().name()).put("digest", r.policy().digest());
    p.put("decision", r.decision().label());
    p.put("score", r.after().score().value());
    p.put("grade", r.after().score().grade().name());
    ArrayNode fired = p.putArray("rulesFired");
    for (Reason reason : r.decision().reasons()) {
      fired.addObject().put("rule", reason.rule()).put("action", reason.action().label()).put("message", reason.message());
    }
    p.put("requester", request.requester());
    if (request.approver().isPresent()) {
      p.put("approver", request.approver().get());
    } else {
      p.putNull("approver");
    }
    if (moved.isPresent()) {
      p.putObject("retag").put("previous", moved.get().toString());
    } else {
      p.putNull("retag");
    }
    p.put("time", clock.instant().toString());
    return p;
  }
}
