package dev.portcullis.cli;

import dev.portcullis.sign.key.Passphrase;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a private key's passphrase comes from: the environment ({@value #ENV}, else cosign's
 * {@value #COSIGN_ENV}), standard input's first line with {@code --passphrase-stdin}, or the
 * terminal. Never an argument: arguments show in {@code ps} and in shell history.
 */
final class PassphraseOptions {
  static final String ENV = "PORTCULLIS_PASSPHRASE";
  static final String COSIGN_ENV = "COSIGN_PASSWORD";
  private static final int MAX_BYTES = 4096;

  @Option(names = "--passphrase-stdin", description = "Read the key's passphrase from the first line of standard input "
      + "(default: $" + ENV + ", else $" + COSIGN_ENV + ", else ask on the terminal).")
  boolean stdin;

  /** The passphrase; {@code confirm} asks twice on a terminal (a new key). */
  Passphrase read(Map<String, String> env, InputStream in, String purpose, boolean confirm) throws IOException {
    if (stdin) {
      return Passphrase.of(firstLine(in));
    }
    String fromEnv = env.getOrDefault(ENV, env.get(COSIGN_ENV));
    if (fromEnv != null) {
      return Passphrase.of(fromEnv.toCharArray());
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException(purpose + ": no passphrase (set " + ENV + " or use --passphrase-stdin)");
    }
    char[] first = console.readPassword("Passphrase for %s: ", purpose);
    if (confirm) {
      char[] again = console.readPassword("Again: ");
      boolean same = Arrays.equals(first, again);
      Arrays.fill(again, '\0');
      if (!same) {
        Arrays.fill(first, '\0');
        throw new IllegalArgumentException(purpose + ": the two passphrases differ");
      }
    }
    return Passphrase.of(first);
  }

  private static char[] firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() >= MAX_BYTES) {
        throw new IllegalArgumentException("read passphrase from standard input: longer than " + MAX_BYTES + " bytes");
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, n));
    char[] out = new char[chars.remaining()];
    chars.get(out);
    Arrays.fill(bytes, (byte) 0);
    if (chars.hasArray()) {
      Arrays.fill(chars.array(), '\0');
    }
    return out;
  }
}
