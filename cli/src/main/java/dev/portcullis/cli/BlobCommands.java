package dev.portcullis.cli;

import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis sign-blob} and {@code verify-blob}: a signature over a file, as {@code cosign
 * sign-blob --key} makes it (the base64 of the key's signature over the file's bytes: ECDSA over
 * SHA-256 in ASN.1 DER, which {@code openssl dgst -sha256 -verify} and {@code cosign verify-blob
 * --key} check too). The release build signs its checksum file with it.
 */
final class BlobCommands {
  /** A blob is read whole, as the key signs it in one call: a checksum file, a document, not an image. */
  static final long MAX_BLOB_BYTES = 64L << 20;
  private static final int MAX_SIGNATURE_BYTES = 64 << 10;

  private BlobCommands() {}

  @Command(name = "sign-blob", mixinStandardHelpOptions = true,
      description = "Sign a file (up to 64 MiB: sign a checksum file for larger ones) with a private key; the signature, base64 "
          + "as cosign sign-blob writes it, goes to --output-signature or stdout.")
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PassphraseOptions passphrase = new PassphraseOptions();

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The private key (cosign's or encrypted PKCS#8 PEM).")
    Path key;

    @Option(names = "--output-signature", paramLabel = "FILE", description = "Write the signature here (never half-written) instead of stdout.")
    Path output;

    @Parameters(paramLabel = "FILE", description = "The file to sign.")
    Path blob;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      byte[] content = read(blob, "sign");
      Signer signer;
      try (Passphrase p = passphrase.read(main.env, main.in, "the private key " + key, false)) {
        signer = LocalSigner.read(key, p);
      }
      String signature = Base64.getEncoder().encodeToString(signer.sign(content));
      if (output == null) {
        main.out.println(signature);
      } else {
        AtomicWrite.write(output, (signature + "\n").getBytes(StandardCharsets.US_ASCII));
        main.err.println("signed " + blob + " with " + signer.keyId() + ": " + output);
      }
      return 0;
    }
  }

  @Command(name = "verify-blob", mixinStandardHelpOptions = true,
      description = "Check a file's signature (base64, as cosign sign-blob and portcullis sign-blob write it) with a public key; "
          + "exit 0 when it holds, 1 when it does not.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "PUBLIC.pem", description = "The signer's public key.")
    Path key;

    @Option(names = "--signature", required = true, paramLabel = "FILE", description = "The signature file.")
    Path signatureFile;

    @Parameters(paramLabel = "FILE", description = "The signed file.")
    Path blob;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      PublicKey publicKey = PublicKeys.read(key);
      byte[] content = read(blob, "verify");
      byte[] signature = signature(signatureFile);
      if (!PublicKeys.verify(publicKey, content, signature)) {
        throw new Main.CommandFailure("verify " + blob + ": the signature in " + signatureFile + " is not " + KeyIds.of(publicKey) + "'s over this file");
      }
      main.out.println("verified " + blob + ": signed by " + KeyIds.of(publicKey));
      return 0;
    }
  }

  /** The file's bytes, refusing what is not a regular file or is larger than {@link #MAX_BLOB_BYTES}. */
  static byte[] read(Path file, String verb) throws IOException {
    return readBounded(file, MAX_BLOB_BYTES, verb + " " + file);
  }

  private static byte[] signature(Path file) throws IOException {
    String text = new String(readBounded(file, MAX_SIGNATURE_BYTES, "read signature " + file), StandardCharsets.US_ASCII).strip();
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("read signature " + file + ": not base64 (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] readBounded(Path file, long max, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > max) {
        throw new IllegalArgumentException(what + ": larger than " + (max >> 10) + " KiB");
      }
      return bytes;
    }
  }
}
