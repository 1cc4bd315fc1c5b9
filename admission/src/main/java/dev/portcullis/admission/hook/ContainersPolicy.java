package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The second layer of the runtime gate: the containers/image configuration podman and CRI-O check
 * when they pull, so that they refuse an image our key did not sign before the hook ever sees it.
 *
 * <p>{@link #policyJson()} is a {@code containers-policy.json(5)}: every image rejected by default;
 * from each registry, only images with a sigstore (cosign) signature by the key, whose signed
 * identity is the image's repository (cosign signs repositories, not tags); images already in local
 * containers-storage are accepted (they got there through this policy). {@link #registriesYaml()} is a
 * {@code containers-registries.d(5)} file that turns on {@code use-sigstore-attachments} for those
 * registries, without which the signatures are not read at all.
 *
 * @param keyPath the public key (PEM), as an absolute path: the policy names it, containers/image reads it
 * @param registries registry hosts ({@code host} or {@code host:port}), sorted and distinct
 */
public record ContainersPolicy(Path keyPath, List<String> registries) {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?");

  public ContainersPolicy {
    Objects.requireNonNull(keyPath, "keyPath");
    if (!keyPath.isAbsolute()) {
      throw new IllegalArgumentException("the key path " + keyPath + " must be absolute: containers/image does not resolve relative ones");
    }
    if (registries.isEmpty()) {
      throw new IllegalArgumentException("give at least one registry (HOST or HOST:PORT) whose images may be pulled");
    }
    for (String r : registries) {
      if (!HOST.matcher(r).matches()) {
        throw new IllegalArgumentException("registry '" + Printable.clip(r) + "': a host name or address, with an optional :PORT, nothing more");
      }
    }
    registries = List.copyOf(new TreeSet<>(registries));
  }

  /** The file name the policy is written as. */
  public static final String POLICY_FILE = "policy.json";
  /** The file written in the {@code registries.d} directory. */
  public static final String REGISTRIES_FILE = "registries.d/portcullis.yaml";

  /** {@code policy.json}, indented, ending with a line break. */
  public String policyJson() {
    ObjectNode root = HookJson.MAPPER.createObjectNode();
    root.putArray("default").addObject().put("type", "reject");
    ObjectNode transports = root.putObject("transports");
    ObjectNode docker = transports.putObject("docker");
    for (String registry : registries) {
      ArrayNode requirements = docker.putArray(registry);
      ObjectNode signed = requirements.addObject();
      signed.put("type", "sigstoreSigned");
      signed.put("keyPath", keyPath.toString());
      signed.putObject("signedIdentity").put("type", "matchRepository");
    }
    transports.putObject("containers-storage").putArray("").addObject().put("type", "insecureAcceptAnything");
    try {
      return HookJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a policy of plain values always writes", e);
    }
  }

  /** {@code registries.d/portcullis.yaml}. */
  public String registriesYaml() {
    StringBuilder b = new StringBuilder("# Written by portcullis hook policy: read cosign signatures stored beside the images.\n");
    b.append("# containers-registries.d(5) allows one section per registry across all files of the directory.\n");
    b.append("docker:\n");
    for (String registry : registries) {
      b.append("  ").append(registry).append(":\n");
      b.append("    use-sigstore-attachments: true\n");
    }
    return b.toString();
  }
}
