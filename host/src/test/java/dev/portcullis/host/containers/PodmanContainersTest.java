package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the podman source behaves when the command misbehaves; real podman runs in {@code ContainersIT}. */
class PodmanContainersTest {
  private static PodmanContainers script(String sh) {
    return new PodmanContainers(List.of("sh", "-c", sh, "podman"));
  }

  @Test
  void aCommandThatDoesNotAnswerInTimeIsKilledAndReported() {
    assertThatThrownBy(() -> script("exec sleep 60").running(Duration.ofMillis(300)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("run sh -c exec sleep 60 podman ps --no-trunc --format json: no answer within 300 ms");
  }

  @Test
  void endlessOutputIsCutAtTheCap() {
    assertThatThrownBy(() -> script("exec yes").running(Duration.ofMinutes(1)))
        .isInstanceOf(IOException.class)
        .hasMessageEndingWith("printed more than 16777216 bytes, refused");
  }

  @Test
  void aFailingPodmanIsReportedWithTheLastLineOfItsError() {
    assertThatThrownBy(() -> script("echo 'level=warning something' >&2; echo 'Error: no store here' >&2; exit 125")
        .running(Duration.ofMinutes(1)))
        .isInstanceOf(IOException.class)
        .hasMessage("list podman containers: podman ps exited with 125: Error: no store here");
  }

  @Test
  void nothingRunningIsAnEmptyList() throws IOException {
    assertThat(script("echo '[]'").running(Duration.ofMinutes(1))).isEmpty();
  }

  @Test
  void aMissingCommandIsReported() {
    assertThatThrownBy(() -> new PodmanContainers(List.of("/nonexistent/podman")).running(Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("run /nonexistent/podman ps --no-trunc --format json: ");
  }
}
