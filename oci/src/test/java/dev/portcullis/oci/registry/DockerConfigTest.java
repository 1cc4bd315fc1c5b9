package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.RegistryOptions.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
  private static final Path FILE = Path.of("/home/u/.docker/config.json");

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static DockerConfig parse(String json) throws Exception {
    return DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8), FILE);
  }

  @Test
  void base64AuthFieldSplitsAtTheFirstColon() throws Exception {
    DockerConfig c = parse("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");
    assertThat(c.credentialsFor("registry.example.com")).contains(new Credentials("alice", "pa:ss"));
    assertThat(c.credentialsFor("other.example.com")).isEmpty();
  }

  @Test
  void usernameAndPasswordFields() throws Exception {
    DockerConfig c = parse("{\"auths\":{\"127.0.0.1:5000\":{\"username\":\"bob\",\"password\":\"secret\"}}}");
    assertThat(c.credentialsFor("127.0.0.1:5000")).contains(new Credentials("bob", "secret"));
    assertThat(c.credentialsFor("127.0.0.1:5001")).isEmpty();
  }

  @Test
  void urlKeysMatchTheirHost() throws Exception {
    DockerConfig c = parse("{\"auths\":{\"https://registry.example.com/v2/\":{\"auth\":\"" + b64("a:b") + "\"}}}");
    assertThat(c.credentialsFor("registry.example.com")).contains(new Credentials("a", "b"));
  }

  @Test
  void dockerHubLegacyKeyServesDockerIo() throws Exception {
    DockerConfig c = parse("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:tok") + "\"}}}");
    assertThat(c.credentialsFor("docker.io")).contains(new Credentials("hub", "tok"));
  }

  @Test
  void entriesWithoutCredentialsAndHelpersAreNotCredentials() throws Exception {
    DockerConfig c = parse("{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"desktop\",\"credHelpers\":{\"gcr.io\":\"gcloud\"}}");
    assertThat(c.credentialsFor("ghcr.io")).isEmpty();
    assertThat(c.helperFor("gcr.io")).contains("gcloud");
    assertThat(c.helperFor("ghcr.io")).contains("desktop");
  }

  @Test
  void authThatIsNotUserColonPasswordIsAnError() {
    assertThatThrownBy(() -> parse("{\"auths\":{\"h\":{\"auth\":\"" + b64("nocolon") + "\"}}}"))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("read docker config " + FILE + ": auths.h.auth is not user:password");
    assertThatThrownBy(() -> parse("{\"auths\":{\"h\":{\"auth\":\"!!!\"}}}"))
        .hasMessageContaining("auths.h.auth is not base64");
    assertThatThrownBy(() -> parse("{\"auths\":"))
        .hasMessageStartingWith("parse docker config " + FILE + ": malformed JSON");
  }

  @Test
  void locationPrefersExplicitThenDockerConfigThenHome() {
    Path explicit = Path.of("/etc/my.json");
    assertThat(DockerConfig.location(explicit, Map.of("DOCKER_CONFIG", "/d"), "/home/u")).isEqualTo(explicit);
    assertThat(DockerConfig.location(null, Map.of("DOCKER_CONFIG", "/d"), "/home/u")).isEqualTo(Path.of("/d/config.json"));
    assertThat(DockerConfig.location(null, Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.docker/config.json"));
  }

  @Test
  void missingFileIsEmpty(@TempDir Path dir) throws Exception {
    DockerConfig c = DockerConfig.read(dir.resolve("nope.json"));
    assertThat(c.auths()).isEmpty();
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\":{\"h\":{\"username\":\"u\",\"password\":\"p\"}}}");
    assertThat(DockerConfig.read(file).credentialsFor("h")).contains(new Credentials("u", "p"));
  }
}
