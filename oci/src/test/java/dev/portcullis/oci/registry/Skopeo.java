package dev.portcullis.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.testkit.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real {@code skopeo}, as the independent client the integration tests check against. */
final class Skopeo {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private Skopeo() {}

  /** {@code skopeo copy [extra] oci:LAYOUT:NAME docker://DEST} without TLS verification. */
  static void push(Path layout, String refName, String dest, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false"));
    cmd.addAll(List.of(extra));
    cmd.add("oci:" + layout + ":" + refName);
    cmd.add("docker://" + dest);
    ProcessRunner.runChecked(cmd, TIMEOUT);
  }

  /** {@code skopeo inspect [extra] REF} as JSON. */
  static JsonNode inspect(String ref, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy", "inspect"));
    cmd.addAll(List.of(extra));
    cmd.add(ref);
    return Json.MAPPER.readTree(ProcessRunner.runChecked(cmd, TIMEOUT).stdout());
  }
}
