package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The state of a container as the OCI runtime passes it to a hook on standard input (runtime-spec
 * {@code state}): {@code ociVersion}, {@code id}, {@code status}, {@code pid}, {@code bundle}, {@code
 * annotations}.
 *
 * @param id the container's ID (letters, digits, {@code _ . -}; at most 128 characters)
 * @param status {@code creating}, {@code created}, {@code running} or {@code stopped}
 * @param bundle the absolute path of the bundle whose {@code config.json} the container is made from
 * @param annotations the container's annotations, sorted
 */
public record OciState(String ociVersion, String id, String status, OptionalLong pid, Path bundle, Map<String, String> annotations) {
  /** The most a state may be: a few hundred bytes normally, annotations included. */
  public static final int MAX_BYTES = 256 << 10;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public OciState {
    Objects.requireNonNull(ociVersion, "ociVersion");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("container id '" + Printable.clip(id) + "' is not 1-128 letters, digits, '_', '.' or '-'");
    }
    if (!bundle.isAbsolute()) {
      throw new IllegalArgumentException("bundle " + Printable.clip(bundle.toString()) + " is not an absolute path");
    }
    annotations = Map.copyOf(new TreeMap<>(annotations));
  }

  /** The state in {@code bytes}; a {@link HookInputException} says what is wrong with it. */
  public static OciState parse(byte[] bytes) throws HookInputException {
    String what = "the OCI state on standard input";
    if (bytes.length > MAX_BYTES) {
      throw new HookInputException(what + ": " + bytes.length + " bytes, more than the " + MAX_BYTES + " a state may be");
    }
    ObjectNode o = HookJson.object(bytes, what);
    String version = required(o, "ociVersion", what);
    String id = required(o, "id", what);
    String status = required(o, "status", what);
    String bundle = required(o, "bundle", what);
    JsonNode pidNode = o.get("pid");
    OptionalLong pid = OptionalLong.empty();
    if (pidNode != null && !pidNode.isNull()) {
      if (!pidNode.canConvertToLong() || !pidNode.isIntegralNumber() || pidNode.asLong() < 0) {
        throw new HookInputException(what + ": pid is not a process ID");
      }
      pid = OptionalLong.of(pidNode.asLong());
    }
    Map<String, String> annotations = new TreeMap<>();
    JsonNode a = o.get("annotations");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        throw new HookInputException(what + ": annotations is not an object");
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        if (!e.getValue().isTextual()) {
          throw new HookInputException(what + ": annotation " + Printable.clip(e.getKey()) + " is not a string");
        }
        annotations.put(e.getKey(), e.getValue().asText());
      }
    }
    if (bundle.indexOf('\0') >= 0) {
      throw new HookInputException(what + ": the bundle path holds a NUL");
    }
    try {
      return new OciState(version, id, status, pid, Path.of(bundle), annotations);
    } catch (IllegalArgumentException e) {
      throw new HookInputException(what + ": " + e.getMessage(), e);
    }
  }

  /** The bundle's {@code config.json}. */
  public Path configFile() {
    return bundle.resolve("config.json");
  }

  private static String required(ObjectNode o, String field, String what) throws HookInputException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new HookInputException(what + ": no " + field);
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new HookInputException(what + ": " + field + " is not a non-empty string");
    }
    return v.asText();
  }
}
