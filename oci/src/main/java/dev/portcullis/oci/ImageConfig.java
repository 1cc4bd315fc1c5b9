package dev.portcullis.oci;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an image configuration that Portcullis reads. Absent strings are empty, absent
 * lists and maps are empty; {@code diffIds} has one entry per non-empty layer, base first; {@code
 * labels} iterate in key order, so every output that lists them is the same on every run.
 */
public record ImageConfig(
    Platform platform,
    String created,
    String user,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    List<String> exposedPorts,
    List<String> volumes,
    Map<String, String> labels,
    String stopSignal,
    @Nullable Healthcheck healthcheck,
    List<History> history,
    List<Digest> diffIds) {

  public ImageConfig {
    env = List.copyOf(env);
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    exposedPorts = List.copyOf(exposedPorts);
    volumes = List.copyOf(volumes);
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    history = List.copyOf(history);
    diffIds = List.copyOf(diffIds);
  }

  public Optional<Healthcheck> healthcheckIfAny() {
    return Optional.ofNullable(healthcheck);
  }

  /** The history entries that made a layer (not {@code empty_layer}), in layer order. */
  public List<History> layerHistory() {
    return history.stream().filter(h -> !h.emptyLayer()).toList();
  }

  /** The container healthcheck: {@code test} as written ({@code ["CMD-SHELL", "..."]}, {@code ["NONE"]}...). */
  public record Healthcheck(List<String> test, long intervalNanos, long timeoutNanos, long startPeriodNanos, int retries) {
    public Healthcheck {
      test = List.copyOf(test);
    }
  }

  /** One step of the image's build history. */
  public record History(String created, String createdBy, String comment, boolean emptyLayer) {}
}
