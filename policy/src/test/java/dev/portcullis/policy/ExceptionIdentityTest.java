package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "The approver is not the requester" holds however the approver's name is written (issue 19, item 8). */
class ExceptionIdentityTest {
  @TempDir Path tmp;

  private static Path exceptions(String name) throws URISyntaxException {
    return Path.of(ExceptionIdentityTest.class.getResource("exceptions/" + name).toURI());
  }

  @ParameterizedTest
  @CsvSource({"approver-alice-with-no-break-space.yaml", "approver-alice-in-fullwidth-letters.yaml", "approver-alice-in-capitals-and-spaces.yaml"})
  void aLookAlikeOfTheRequesterIsRefusedAsSelfApproval(String file) throws Exception {
    ExceptionFile.Loaded loaded = ExceptionFile.read(exceptions(file));
    assertThat(loaded.exceptions()).extracting(PolicyException::name).containsExactly("debug-file");
    assertThat(loaded.refused()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("minimist-waiver");
      assertThat(r.reason()).startsWith("approved by its own requester alice: separation of duties");
    });
  }

  @ParameterizedTest
  @CsvSource({
      "approver-alice-with-zero-width-space.yaml, U+200B",
      "approver-alice-with-left-to-right-mark.yaml, U+200E",
      "approver-alice-with-word-joiner.yaml, U+2060",
      "approver-alice-with-byte-order-mark.yaml, U+FEFF"})
  void anIdentityWithAnInvisibleCharacterRefusesTheFileNamingEntryAndField(String file, String codePoint) throws Exception {
    Path path = exceptions(file);
    assertThatThrownBy(() -> ExceptionFile.read(path)).isInstanceOf(IOException.class)
        .hasMessage("read exceptions " + path + ": minimist-waiver: approver contains " + codePoint + " (an invisible format character)");
  }

  @Test
  void anIdentityMixingLookAlikeScriptsRefusesTheFile() throws Exception {
    Path path = exceptions("approver-alice-with-cyrillic-a.yaml");
    assertThatThrownBy(() -> ExceptionFile.read(path))
        .hasMessage("read exceptions " + path + ": minimist-waiver: approver mixes the scripts [cyrillic, latin] (letters that look alike)");
  }

  @Test
  void aDifferentApproverIsAccepted() throws Exception {
    ExceptionFile.Loaded loaded = ExceptionFile.read(exceptions("approver-bob.yaml"));
    assertThat(loaded.exceptions()).extracting(PolicyException::name).containsExactly("debug-file", "minimist-waiver");
    assertThat(loaded.refused()).isEmpty();
  }

  @Test
  void aControlCharacterInTheRequesterIsRefusedToo() throws IOException {
    // YAML's own escapes reach control characters that a raw file could not hold
    Path file = Files.writeString(tmp.resolve("bell.yaml"),
        Files.readString(tmpCopy()).replace("requester: alice", "requester: \"ali\\ace\"").replace("approver: x", "approver: bob"));
    assertThatThrownBy(() -> ExceptionFile.read(file)).hasMessage("read exceptions " + file + ": debug-file: requester contains U+0007 (a control character)");
  }

  private Path tmpCopy() throws IOException {
    return Files.writeString(tmp.resolve("template.yaml"), """
        apiVersion: portcullis.dev/v1
        kind: Exceptions
        exceptions:
          - id: debug-file
            finding: PCS-DEBUG-009
            justification: the file is read only when DEBUG=1
            owner: hello-team
            requester: alice
            approver: x
            expires: 2025-06-30
        """);
  }

  @Test
  void aRepeatedKeyRefusesTheFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("twice.yaml"), Files.readString(tmpCopy()).replace("approver: x", "approver: bob\n    approver: alice"));
    assertThatThrownBy(() -> ExceptionFile.read(file)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("read exceptions " + file + ": malformed YAML: Duplicate field 'approver'");
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedUnread() throws IOException {
    Path file = Files.write(tmp.resolve("huge.yaml"), new byte[(int) ExceptionFile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> ExceptionFile.read(file)).hasMessage("read exceptions " + file + ": larger than " + ExceptionFile.MAX_BYTES + " bytes");
  }

  @Test
  void anExceptionCannotBeBuiltApprovedByItsRequester() {
    assertThatThrownBy(() -> new PolicyException("x", "CVE-1", null, null, null, List.of(), "why", "team", "alice", "ＡＬＩＣＥ", LocalDate.of(2025, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("x: approved by its own requester alice");
  }
}
