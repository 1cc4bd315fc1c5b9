package dev.portcullis.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.StoreLimits;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A real docker-registry with a client, the store, signer and verifier over it, and small images
 * pushed with skopeo; for the integration tests of this package.
 */
final class RegistryFixture implements AutoCloseable {
  static final RegistryOptions PLAIN_HTTP = new RegistryOptions(true, null, null, null, 2);
  /** The verifier's now. */
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  final RegistryProcess registry;
  final RegistryClient client;
  final CosignStore store;
  final ImageSigner signer;
  final CosignVerifier verifier;
  private final Path work;
  private int images;

  RegistryFixture(Path work) throws IOException {
    this(work, StoreLimits.DEFAULTS);
  }

  RegistryFixture(Path work, StoreLimits limits) throws IOException {
    this.work = work;
    registry = RegistryProcess.start();
    try {
      client = RegistryClient.create(PLAIN_HTTP, ProgressListener.NONE);
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    store = new CosignStore(client, limits);
    signer = new ImageSigner(store);
    verifier = new CosignVerifier(store, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  ImageRef ref(String repoAndTag) {
    return ImageRef.parse(registry.host() + "/" + repoAndTag);
  }

  /** Pushes a one-layer image whose file says {@code content} to {@code repoAndTag} with skopeo; returns it pinned to its digest. */
  ImageRef push(String repoAndTag, String content) throws IOException {
    return pushTo(registry, repoAndTag, content);
  }

  /** As {@link #push}, to another registry; the same content gives the same digest everywhere. */
  ImageRef pushTo(RegistryProcess target, String repoAndTag, String content) throws IOException {
    Path layout = work.resolve("image-" + images++);
    Digest digest = Digest.parse(new OciLayoutBuilder().layer(new LayerBuilder().file("etc/app", content + "\n")).refName("1").write(layout));
    Skopeo.copy("oci:" + layout + ":1", "docker://" + target.host() + "/" + repoAndTag, Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    return ImageRef.parse(target.host() + "/" + repoAndTag).withDigest(digest);
  }

  /** The manifest under {@code tag} of {@code repo} as skopeo reads it. */
  JsonNode skopeoRaw(String repoAndTag) throws IOException {
    return SignedJson.MAPPER.readTree(Skopeo.rawManifest("docker://" + registry.host() + "/" + repoAndTag, "--tls-verify=false"));
  }

  @Override
  public void close() {
    client.close();
    registry.close();
  }
}
