package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.OciLayoutFixture;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.RegistryTokenServer;
import dev.portcullis.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication against the real registry: htpasswd basic auth, the bearer-token flow with a real JWT, and TLS with a test CA. */
class RegistryAuthIT {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private static final Path NO_CONFIG = Path.of("/nonexistent/config.json");

  @TempDir Path tmp;

  private OciLayoutFixture.Blob push(RegistryProcess registry, String repoTag, String... skopeoArgs) throws java.io.IOException {
    OciLayoutFixture layout = OciLayoutFixture.create(tmp.resolve("layout-" + repoTag.replace(':', '-')));
    OciLayoutFixture.Blob m = layout.image("img", AMD64, List.of(Map.of("etc/who", repoTag)));
    List<String> flags = new java.util.ArrayList<>(List.of("--dest-tls-verify=false"));
    flags.addAll(List.of(skopeoArgs));
    Skopeo.copy("oci:" + layout.dir() + ":img", "docker://" + registry.host() + "/" + repoTag, flags);
    return m;
  }

  private static Image pull(RegistryProcess registry, String repoTag, RegistryOptions options) throws Exception {
    return Images.open(new ImageSource.Remote(ImageRef.parse(registry.host() + "/" + repoTag)),
        ReadOptions.defaults().withPlatform(AMD64).withRegistry(options));
  }

  private static RegistryOptions insecure(@Nullable Credentials credentials) {
    return new RegistryOptions(true, null, credentials, NO_CONFIG, 2);
  }

  @Test
  void basicAuthWithGoodBadAndMissingCredentials() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.basicAuth("alice", "wonderland"))) {
      OciLayoutFixture.Blob m = push(registry, "private:1", "--dest-creds", "alice:wonderland");
      try (Image image = pull(registry, "private:1", insecure(new Credentials("alice", "wonderland")))) {
        assertThat(image.digest()).isEqualTo(m.digest());
      }
      assertThatThrownBy(() -> pull(registry, "private:1", insecure(new Credentials("alice", "rabbit"))))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + registry.host() + "/private:1: 401 UNAUTHORIZED (authentication required; as user alice)");
      assertThatThrownBy(() -> pull(registry, "private:1", insecure(null)))
          .hasMessage("pull manifest " + registry.host() + "/private:1: 401 UNAUTHORIZED (authentication required; no credentials for " + registry.host() + ")");

      Path config = tmp.resolve("docker/config.json");
      Files.createDirectories(config.getParent());
      String auth = Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
      Files.writeString(config, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
      try (Image image = pull(registry, "private:1", new RegistryOptions(true, null, null, config, 2))) {
        assertThat(image.digest()).isEqualTo(m.digest());
      }
    }
  }

  @Test
  void bearerTokenFlowWithARealSignedToken() throws Exception {
    try (RegistryTokenServer tokens = RegistryTokenServer.start("bob", "builder");
        RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.tokenAuth(tokens))) {
      OciLayoutFixture.Blob m = push(registry, "team/app:1", "--dest-creds", "bob:builder");
      int before = tokens.requests().size();
      try (Image image = pull(registry, "team/app:1", insecure(new Credentials("bob", "builder")))) {
        assertThat(image.digest()).isEqualTo(m.digest());
        try (var in = image.layers().get(0).open()) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
      List<RegistryTokenServer.TokenRequest> ours = tokens.requests().subList(before, tokens.requests().size());
      // one token for the manifest, the config and the layer: it is cached per scope
      assertThat(ours).containsExactly(new RegistryTokenServer.TokenRequest(List.of("repository:team/app:pull"), "bob", RegistryTokenServer.SERVICE));

      ImageRef pushed = ImageRef.parse(registry.host() + "/team/copy:1");
      try (RegistryClient client = RegistryClient.create(insecure(new Credentials("bob", "builder")), dev.portcullis.oci.ProgressListener.NONE);
          Image image = client.image(ImageRef.parse(registry.host() + "/team/app:1"), ReadOptions.defaults().withPlatform(AMD64))) {
        assertThat(client.mountBlob(pushed, image.layers().get(0).digest(), ImageRef.parse(registry.host() + "/team/app:1"))).isTrue();
        byte[] config = image.rawConfig();
        client.putBlob(pushed, new java.io.ByteArrayInputStream(config), config.length, image.manifest().config().digest());
        assertThat(client.putManifest(pushed, image.rawManifest(), image.manifest().mediaType())).isEqualTo(m.digest());
        assertThat(client.tags(pushed)).containsExactly("1");
      }
      assertThat(tokens.requests()).anyMatch(r -> r.scopes().containsAll(List.of("repository:team/copy:pull,push", "repository:team/app:pull")));

      assertThatThrownBy(() -> pull(registry, "team/app:1", insecure(new Credentials("bob", "wrong"))))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + registry.host() + "/team/app:1: get token from " + tokens.realm()
              + ": 401 UNAUTHORIZED (incorrect username or password; as user bob)");
    }
  }

  @Test
  void tlsWithTheTestCaAndWithoutIt() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.https())) {
      OciLayoutFixture.Blob m = push(registry, "secure:1");
      Path ca = registry.caFile().orElseThrow();
      try (Image image = pull(registry, "secure:1", new RegistryOptions(false, ca, null, NO_CONFIG, 2))) {
        assertThat(image.digest()).isEqualTo(m.digest());
      }
      assertThatThrownBy(() -> pull(registry, "secure:1", new RegistryOptions(false, null, null, NO_CONFIG, 2)))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + registry.host() + "/secure:1: TLS with " + registry.host()
              + " failed: its certificate is not signed by a trusted CA (trust that CA with a CA file, RegistryOptions.caFile)");
    }
  }
}
