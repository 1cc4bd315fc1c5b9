package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code hooks.d} file (containers' {@code oci-hooks(5)}, version 1.0.0) that makes podman and
 * CRI-O run the hook for every container: {@code when: {always: true}}, at the {@code createRuntime}
 * stage (runtime-spec 1.0.2; podman 4.3 with runc runs it and refuses the start, exit 126, when it
 * fails) or the deprecated {@code prestart} one older runtimes know.
 *
 * @param path the executable (absolute)
 * @param args its arguments, {@code argv[0]} first
 * @param stage {@code createRuntime} or {@code prestart}
 * @param timeout how long the runtime waits before it kills the hook (and refuses the start)
 */
public record HooksDirEntry(Path path, List<String> args, String stage, Duration timeout) {
  /** The file name in the hooks directory; the runtime reads every {@code *.json} there. */
  public static final String FILE = "portcullis.json";

  public HooksDirEntry {
    Objects.requireNonNull(path, "path");
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("the hook's path " + path + " must be absolute");
    }
    args = List.copyOf(args);
    if (!stage.equals("createRuntime") && !stage.equals("prestart")) {
      throw new IllegalArgumentException("stage " + Printable.clip(stage) + ": createRuntime or prestart");
    }
    if (timeout.toSeconds() < 1) {
      throw new IllegalArgumentException("the hook's timeout must be at least one second");
    }
  }

  /** The JSON file, indented, ending with a line break. */
  public String json() {
    ObjectNode root = HookJson.MAPPER.createObjectNode();
    root.put("version", "1.0.0");
    ObjectNode hook = root.putObject("hook");
    hook.put("path", path.toString());
    args.forEach(hook.putArray("args")::add);
    hook.put("timeout", timeout.toSeconds());
    root.putObject("when").put("always", true);
    root.putArray("stages").add(stage);
    try {
      return HookJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("plain values always write", e);
    }
  }
}
