package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OciStateTest {
  @Test
  void readsTheStatePodmansRuncPassed() throws Exception {
    OciState s = OciState.parse(Fixtures.bytes("state-podman-4.3.json"));
    assertThat(s.status()).isEqualTo("creating");
    assertThat(s.id()).hasSize(64);
    assertThat(s.bundle()).isEqualTo(Path.of("/tmp/hookx/root/vfs-containers/" + s.id() + "/userdata"));
    assertThat(s.configFile().getFileName().toString()).isEqualTo("config.json");
    assertThat(s.pid()).isPresent();
    assertThat(s.annotations()).containsEntry("io.container.manager", "libpod");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|empty",
      "garbage|not JSON",
      "[1,2]|not an object",
      "{\"ociVersion\":\"1.0.2\",\"status\":\"creating\",\"bundle\":\"/b\"}|no id",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"../../etc\",\"status\":\"creating\",\"bundle\":\"/b\"}|container id",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"relative/b\"}|not an absolute path",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":7}|bundle is not a non-empty string",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"/b\",\"pid\":\"12\"}|pid is not a process ID",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"/b\",\"annotations\":{\"a\":1}}|annotation a is not a string",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"id\":\"abd\",\"status\":\"creating\",\"bundle\":\"/b\"}|not JSON",
      "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"/b\"} {}|not JSON"})
  void garbageIsRefusedWithWhatIsWrong(String input, String expected) {
    assertThatThrownBy(() -> OciState.parse(input.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(HookInputException.class)
        .hasMessageStartingWith("the OCI state on standard input: ")
        .hasMessageContaining(expected);
  }

  @Test
  void aHugeStateIsRefusedUnparsed() {
    byte[] huge = new byte[OciState.MAX_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) '[');
    assertThatThrownBy(() -> OciState.parse(huge)).hasMessageContaining("more than the " + OciState.MAX_BYTES);
  }

  @Test
  void controlCharactersInAnIdNeverReachTheMessageRaw() {
    String input = "{\"ociVersion\":\"1\",\"id\":\"a\\nb\\u001b[31m\",\"status\":\"creating\",\"bundle\":\"/b\"}";
    assertThatThrownBy(() -> OciState.parse(input.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("a\\x0ab\\x1b[31m").hasMessageNotContaining("\n");
  }
}
