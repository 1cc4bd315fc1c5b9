package dev.portcullis.server.gate;

import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/** Which certificates the gate trusts when the upstream registry speaks HTTPS. */
public sealed interface UpstreamTrust {
  /** The JDK's trusted CAs. */
  record JdkDefault() implements UpstreamTrust {}

  /** The JDK's trusted CAs plus every certificate in a PEM file, read when the gate starts. */
  record CaFile(Path pemFile) implements UpstreamTrust {
    public CaFile {
      Objects.requireNonNull(pemFile, "pemFile");
    }
  }

  /** Exactly what this context trusts (and any client certificate it carries). */
  record Context(SSLContext sslContext) implements UpstreamTrust {
    public Context {
      Objects.requireNonNull(sslContext, "sslContext");
    }
  }

  static UpstreamTrust jdkDefault() {
    return new JdkDefault();
  }
}
