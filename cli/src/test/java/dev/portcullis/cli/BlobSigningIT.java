package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sign-blob and verify-blob on real files, the signature checked by openssl as well as by verify-blob. */
class BlobSigningIT {
  private static final String PASSPHRASE = "blob test passphrase";
  @TempDir static Path tmp;
  static Path blob;

  @BeforeAll
  static void keysAndBlob() throws Exception {
    assertThat(run("key", "generate", "--output-prefix", tmp.resolve("release").toString()).exit()).isZero();
    blob = tmp.resolve("SHA256SUMS");
    Files.writeString(blob, "0123abcd  portcullis-1.0-linux-x86_64.tar.gz\n");
  }

  @Test
  void aSignatureVerifiesWithTheToolAndWithOpenssl() throws Exception {
    Path sig = tmp.resolve("SHA256SUMS.sig");
    CliRun signed = run("sign-blob", "--key", tmp.resolve("release.key").toString(), "--output-signature", sig.toString(), blob.toString());
    assertThat(signed.exit()).as(signed.err()).isZero();
    assertThat(signed.err()).startsWith("signed " + blob + " with sha256:");

    CliRun verified = run("verify-blob", "--key", tmp.resolve("release.pub").toString(), "--signature", sig.toString(), blob.toString());
    assertThat(verified.exit()).as(verified.err()).isZero();
    assertThat(verified.out()).startsWith("verified " + blob + ": signed by sha256:");

    Path der = tmp.resolve("sig.der");
    Files.write(der, Base64.getDecoder().decode(Files.readString(sig).strip()));
    Tools.Result openssl = Tools.run(Duration.ofSeconds(30), List.of("openssl", "dgst", "-sha256", "-verify", tmp.resolve("release.pub").toString(),
        "-signature", der.toString(), blob.toString()));
    assertThat(new String(openssl.stdout(), StandardCharsets.UTF_8)).as(openssl.stderr()).contains("Verified OK");
  }

  @Test
  void aChangedFileOrAnotherKeyIsRefusedInOneLine() throws Exception {
    CliRun stdout = run("sign-blob", "--key", tmp.resolve("release.key").toString(), blob.toString());
    assertThat(stdout.exit()).as(stdout.err()).isZero();
    Path sig = tmp.resolve("stdout.sig");
    Files.writeString(sig, stdout.out());
    Path changed = tmp.resolve("changed");
    Files.writeString(changed, Files.readString(blob) + "ffff  evil.tar.gz\n");
    CliRun refused = run("verify-blob", "--key", tmp.resolve("release.pub").toString(), "--signature", sig.toString(), changed.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).startsWith("portcullis: verify " + changed + ": the signature in " + sig + " is not sha256:").hasLineCount(1);

    assertThat(run("key", "generate", "--output-prefix", tmp.resolve("other").toString()).exit()).isZero();
    CliRun otherKey = run("verify-blob", "--key", tmp.resolve("other.pub").toString(), "--signature", sig.toString(), blob.toString());
    assertThat(otherKey.exit()).isEqualTo(1);

    Files.writeString(tmp.resolve("garbage.sig"), "not base64 ***");
    CliRun garbage = run("verify-blob", "--key", tmp.resolve("release.pub").toString(), "--signature", tmp.resolve("garbage.sig").toString(), blob.toString());
    assertThat(garbage.exit()).isEqualTo(1);
    assertThat(garbage.err()).contains("not base64").hasLineCount(1);

    CliRun missing = run("sign-blob", "--key", tmp.resolve("release.key").toString(), tmp.resolve("absent").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("portcullis: sign " + tmp.resolve("absent") + ": no such file\n");
  }

  private static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), Map.of(PassphraseOptions.ENV, PASSPHRASE));
    return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
