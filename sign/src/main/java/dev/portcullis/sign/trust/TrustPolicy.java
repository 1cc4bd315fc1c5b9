package dev.portcullis.sign.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Who must have signed an image, per stage:
 *
 * <pre>
 * apiVersion: portcullis.dev/v1
 * kind: TrustPolicy
 * signatures:                  # every stage not named below; optional
 *   anyOf: [keys/ci.pub]
 * stages:
 *   prod:
 *     signatures:
 *       allOf:                 # or anyOf
 *         - keys/ci.pub        # a public key file, relative to this file
 *         - key: keys/release.pub
 * </pre>
 *
 * A signer is a public key today; {@link Signer} is sealed so that keyless identities (an issuer and
 * a subject, vouched for by a certificate) can join without changing what a requirement is. They
 * are refused when read, for now.
 */
public record TrustPolicy(String name, Optional<Requirement> fallback, Map<String, Requirement> stages) {
  private static final long MAX_BYTES = 1 << 20;
  private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
      .loaderOptions(limits()).build()).build();

  public TrustPolicy {
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  private static LoaderOptions limits() {
    LoaderOptions o = new LoaderOptions();
    o.setMaxAliasesForCollections(20);
    o.setNestingDepthLimit(20);
    o.setCodePointLimit((int) MAX_BYTES);
    return o;
  }

  /** Someone whose signature counts. */
  public sealed interface Signer {
    /** How the signer is shown: the key file as written, and its key ID. */
    String display();
  }

  /** A public key; it signed when a signature verifies with it. */
  public record KeySigner(String source, PublicKey key) implements Signer {
    public String keyId() {
      return KeyIds.of(key);
    }

    @Override
    public String display() {
      return source + " (" + keyId() + ")";
    }
  }

  /** Whether every signer, or any one, is needed. */
  public enum Mode {
    ALL_OF, ANY_OF
  }

  public record Requirement(Mode mode, List<Signer> signers) {
    public Requirement {
      signers = List.copyOf(signers);
      if (signers.isEmpty()) {
        throw new IllegalArgumentException("a requirement names at least one signer");
      }
    }

    /** Whether the signers whose signatures verified ({@code keyIds}) meet this requirement. */
    public Outcome evaluate(Set<String> keyIds) {
      List<Signer> signed = new ArrayList<>();
      List<Signer> missing = new ArrayList<>();
      for (Signer s : signers) {
        boolean did = switch (s) {
          case KeySigner k -> keyIds.contains(k.keyId());
        };
        (did ? signed : missing).add(s);
      }
      boolean met = mode == Mode.ALL_OF ? missing.isEmpty() : !signed.isEmpty();
      if (met) {
        return new Satisfied(signed);
      }
      String need = mode == Mode.ALL_OF ? "all of " + signers.size() + " required signers" : "any of " + signers.size() + " trusted signers";
      return new Unsatisfied(signed, missing, "not signed by " + need + "; missing: "
          + String.join(", ", (mode == Mode.ALL_OF ? missing : signers).stream().map(Signer::display).toList())
          + (signed.isEmpty() ? "" : "; signed by: " + String.join(", ", signed.stream().map(Signer::display).toList())));
    }
  }

  /** What a requirement made of the signatures found. */
  public sealed interface Outcome {
    List<Signer> signedBy();
  }

  public record Satisfied(List<Signer> signedBy) implements Outcome {
    public Satisfied {
      signedBy = List.copyOf(signedBy);
    }
  }

  public record Unsatisfied(List<Signer> signedBy, List<Signer> missing, String message) implements Outcome {
    public Unsatisfied {
      signedBy = List.copyOf(signedBy);
      missing = List.copyOf(missing);
    }
  }

  /** The requirement for {@code stage}: its own, else the policy's default, else none. */
  public Optional<Requirement> requirement(String stage) {
    Requirement r = stages.get(stage);
    return r != null ? Optional.of(r) : fallback;
  }

  /** Every public key the policy names, once each, in the order written. */
  public List<PublicKey> keys() {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    fallback.ifPresent(r -> add(keys, r));
    stages.values().forEach(r -> add(keys, r));
    return List.copyOf(keys.values());
  }

  private static void add(Map<String, PublicKey> keys, Requirement r) {
    for (Signer s : r.signers()) {
      switch (s) {
        case KeySigner k -> keys.putIfAbsent(k.keyId(), k.key());
      }
    }
  }

  /** Reads a trust policy file; any mistake is an {@link IOException} that names the file and the field. */
  public static TrustPolicy load(Path file) throws IOException {
    String where = "read trust policy " + file;
    if (!Files.isRegularFile(file)) {
      throw new IOException(where + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(where + ": larger than 1 MiB");
    }
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IOException(where + ": malformed YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(where + ": a trust policy is a map with apiVersion, kind, signatures and stages");
    }
    Path base = file.toAbsolutePath().getParent();
    Reader r = new Reader(where, base == null ? Path.of(".") : base);
    r.expect(root, "apiVersion", "portcullis.dev/v1");
    r.expect(root, "kind", "TrustPolicy");
    r.only(root, "", Set.of("apiVersion", "kind", "metadata", "signatures", "stages"));
    Optional<Requirement> fallback = root.has("signatures") ? Optional.of(r.requirement(root.get("signatures"), "signatures")) : Optional.empty();
    Map<String, Requirement> stages = new LinkedHashMap<>();
    JsonNode s = root.get("stages");
    if (s != null) {
      if (!s.isObject()) {
        throw new IOException(where + ": stages must be a map of stage name to {signatures}");
      }
      for (var e : s.properties()) {
        r.only(e.getValue(), "stages." + e.getKey() + ".", Set.of("signatures"));
        stages.put(e.getKey(), r.requirement(e.getValue().get("signatures"), "stages." + e.getKey() + ".signatures"));
      }
    }
    if (fallback.isEmpty() && stages.isEmpty()) {
      throw new IOException(where + ": names no signers (give signatures, stages, or both)");
    }
    return new TrustPolicy(file.toString(), fallback, stages);
  }

  private record Reader(String where, Path base) {
    void expect(JsonNode root, String key, String value) throws IOException {
      if (!value.equals(root.path(key).asText(null))) {
        throw new IOException(where + ": " + key + " must be " + value);
      }
    }

    void only(JsonNode node, String prefix, Set<String> allowed) throws IOException {
      if (!node.isObject()) {
        throw new IOException(where + ": " + (prefix.isEmpty() ? "the document" : prefix.substring(0, prefix.length() - 1)) + " must be a map");
      }
      for (var it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw new IOException(where + ": unknown key " + prefix + k + " (" + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
      }
    }

    Requirement requirement(JsonNode node, String at) throws IOException {
      if (node == null || !node.isObject() || node.size() != 1 || !(node.has("anyOf") || node.has("allOf"))) {
        throw new IOException(where + ": " + at + " must be a map with exactly one of anyOf or allOf");
      }
      Mode mode = node.has("allOf") ? Mode.ALL_OF : Mode.ANY_OF;
      String key = mode == Mode.ALL_OF ? "allOf" : "anyOf";
      JsonNode list = node.get(key);
      if (!list.isArray() || list.isEmpty()) {
        throw new IOException(where + ": " + at + "." + key + " must be a non-empty list of signers");
      }
      List<Signer> signers = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        signers.add(signer(list.get(i), at + "." + key + "[" + i + "]"));
      }
      return new Requirement(mode, signers);
    }

    Signer signer(JsonNode node, String at) throws IOException {
      if (node.isObject() && node.has("identity")) {
        throw new IOException(where + ": " + at + ": keyless identities are not supported yet; name a public key");
      }
      String file = node.isTextual() ? node.asText() : node.path("key").asText(null);
      if (file == null || file.isBlank() || (node.isObject() && node.size() != 1)) {
        throw new IOException(where + ": " + at + " must be a public key file, or {key: FILE}");
      }
      try {
        return new KeySigner(file, PublicKeys.read(base.resolve(file)));
      } catch (IOException e) {
        throw new IOException(where + ": " + at + ": " + e.getMessage(), e);
      }
    }
  }
}
