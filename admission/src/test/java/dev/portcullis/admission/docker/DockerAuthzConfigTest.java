package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.admission.StagePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerAuthzConfigTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("authz.yaml"), yaml);
  }

  @Test
  void theDocumentedExampleReads() throws IOException {
    Path file = dir.resolve("authz.yaml");
    try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("docker-authz.yaml"))) {
      Files.copy(in, file);
    }
    DockerAuthzConfig c = DockerAuthzConfig.load(file);
    assertEquals(Path.of("/var/run/docker.sock"), c.engine());
    assertEquals(List.of(dir.resolve("keys/prod.pub")), c.keyFiles());
    assertEquals(DockerAuthzConfig.Exec.DENY, c.exec());
    StagePolicy p = c.policy();
    assertEquals("prod", p.stage());
    assertTrue(p.requireDigest());
    assertEquals(Optional.of(new StagePolicy.VerdictRule("prod", List.of(new StagePolicy.Accepted("test", 80)), Duration.ofDays(7))), p.verdict());
    assertEquals(StagePolicy.OnMissing.FETCH, p.onMissing());
    assertEquals(Duration.ofSeconds(3), p.fetchDeadline());
    assertEquals(StagePolicy.PodSecurity.BASELINE, c.host().podSecurity());
    assertEquals(Set.of("NET_BIND_SERVICE"), c.host().allowedCapabilities());
    assertEquals(Optional.empty(), c.server());
  }

  @Test
  void execIsRefusedUnlessAllowed() throws IOException {
    assertEquals(DockerAuthzConfig.Exec.DENY, DockerAuthzConfig.load(write("engine: /e.sock\nstage: {name: prod}\n")).exec());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "stage: {name: prod}|engine: required",
      "engine: /e.sock|stage: expected a mapping",
      "engine: /e.sock\\nstage: {name: prod, keyz: []}|unknown setting stage.keyz",
      "engine: /e.sock\\nstage: {name: prod, fetchDeadline: 3}|stage.fetchDeadline '3': expected a positive duration",
      "engine: /e.sock\\nstage: {name: prod}\\nexec: maybe|exec 'maybe': expected one of allow, deny",
      "engine: /e.sock\\nstage: {name: prod}\\nhost: {podSecurity: strict}|host.podSecurity 'strict': expected one of privileged, baseline, restricted",
      "engine: /e.sock\\nstage: {name: prod, verdict: {stage: prod, earlier: [{stage: test, minScore: 101}]}}|minScore must be a score from 0 to 100"})
  void mistakesNameTheFileAndTheField(String yaml, String expected) throws IOException {
    Path file = write(yaml.replace("\\n", "\n"));
    IOException e = assertThrows(IOException.class, () -> DockerAuthzConfig.load(file));
    assertTrue(e.getMessage().startsWith("docker-authz configuration " + file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
