package dev.portcullis.server.work;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists every repository and tag of each registry and announces what no event did, so that a lost
 * notification never leaves an image unscanned.
 */
public final class Sweep {
  private static final long MAX_MANIFEST_BYTES = 4L << 20;

  private final ServerConfig config;
  private final Map<String, RegistryOptions> options;
  private final Intake intake;
  private final ServerLog log;

  public Sweep(ServerConfig config, Map<String, RegistryOptions> options, Intake intake, ServerLog log) {
    this.config = config;
    this.options = Map.copyOf(options);
    this.intake = intake;
    this.log = log;
  }

  /** Sweeps every registry; a registry that cannot be listed is logged and skipped. Returns how many images were new. */
  public int run() {
    int queued = 0;
    for (ServerConfig.Registry r : config.registries()) {
      try {
        queued += sweep(r);
      } catch (IOException | RuntimeException e) {
        log.warn("sweep " + r + ": " + e.getMessage());
      }
    }
    return queued;
  }

  private int sweep(ServerConfig.Registry r) throws IOException {
    int queued = 0;
    try (RegistryClient client = RegistryClient.create(options.get(r.name()), new ProgressListener() {})) {
      List<String> repositories = client.repositories(ImageRef.parse(r.authority() + "/catalog"));
      for (String repository : repositories) {
        ImageRef repo = ImageRef.parse(r.authority() + "/" + repository);
        for (String tag : client.tags(repo)) {
          if (Intake.isAttachmentTag(tag)) {
            continue;
          }
          Optional<RegistryClient.ManifestBytes> m = client.findManifest(ImageRef.parse(r.authority() + "/" + repository + ":" + tag),
              MAX_MANIFEST_BYTES);
          if (m.isPresent() && intake.announce(r.name(), repository, m.get().digest(), tag, "sweep",
              "found by the registry sweep (" + repository + ":" + tag + ")") == Intake.Outcome.QUEUED) {
            queued++;
          }
        }
      }
    }
    if (queued > 0) {
      log.info("sweep of " + r + " queued " + queued + " image" + (queued == 1 ? "" : "s") + " no event had announced");
    }
    return queued;
  }
}
