package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Throw-away keys and certificates made with the real {@code openssl}, for TLS servers and token signers in tests. */
public final class TestPki {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(60);

  private TestPki() {}

  /**
   * A CA and a server certificate it signed, valid for {@code IP:127.0.0.1} and {@code DNS:localhost}.
   *
   * @param caCertificate the PEM file a client trusts
   */
  public record ServerTls(Path caCertificate, Path certificate, Path privateKey) {}

  /** A self-signed certificate allowed to sign, and its PKCS#8 PEM private key. */
  public record SigningCertificate(Path certificate, Path privateKey) {}

  /** Writes a fresh test CA and a server certificate for 127.0.0.1 into {@code dir}. */
  public static ServerTls serverTls(Path dir) {
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    Path key = dir.resolve("server.key");
    Path csr = dir.resolve("server.csr");
    Path cert = dir.resolve("server.pem");
    Path ext = dir.resolve("server.ext");
    write(ext, """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=critical,CA:FALSE
        keyUsage=critical,digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        """);
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=Portcullis test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=127.0.0.1");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
        "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    return new ServerTls(ca, cert, key);
  }

  /** Writes a fresh RSA key and a self-signed certificate for it (key usage: digital signature) into {@code dir}. */
  public static SigningCertificate rsaSigningCertificate(Path dir, String commonName) {
    Path key = dir.resolve("signer.key");
    Path cert = dir.resolve("signer.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
        "-days", "2", "-subj", "/CN=" + commonName, "-addext", "keyUsage=critical,digitalSignature");
    return new SigningCertificate(cert, key);
  }

  private static void openssl(String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Tools.run(OPENSSL_TIMEOUT, command);
    } catch (Tools.ToolException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file + ": " + e.getMessage(), e);
    }
  }
}
