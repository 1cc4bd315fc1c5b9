package dev.portcullis.host.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the docker-bench-security side-by-side tests keep of one of its runs: its version and commit,
 * the engine, the command, the setup, and per check only its ID, its result and the items it names
 * (none of its text).
 */
final class DockerBenchRecording {
  private DockerBenchRecording() {}

  /** The recording of docker-bench-security's JSON log {@code out}. */
  static ObjectNode of(JsonNode out, Path checkout, String engine, String command, JsonNode setup) {
    ObjectNode recording = JsonNodeFactory.instance.objectNode();
    recording.put("tool", "docker-bench-security");
    recording.put("version", out.path("dockerbenchsecurity").asText());
    recording.put("commit", commit(checkout));
    recording.put("engine", engine);
    recording.put("command", command);
    recording.set("setup", setup);
    ArrayNode checks = recording.putArray("checks");
    for (JsonNode section : out.path("tests")) {
      for (JsonNode check : section.path("results")) {
        ObjectNode c = checks.addObject();
        c.put("id", check.path("id").asText());
        c.put("result", check.path("result").asText());
        ArrayNode flagged = c.putArray("flagged");
        List<String> items = new ArrayList<>();
        check.path("items").forEach(i -> items.add(i.asText()));
        items.stream().sorted().forEach(flagged::add);
      }
    }
    return recording;
  }

  /** The checkout's commit, or why it is unknown. */
  static String commit(Path checkout) {
    try {
      Tools.Result r = Exec.run(Duration.ofSeconds(20), Map.of(), List.of("git", "-C", checkout.toString(), "rev-parse", "HEAD"));
      return r.exitCode() == 0 ? r.stdoutText().strip() : "unknown (not a git checkout)";
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
