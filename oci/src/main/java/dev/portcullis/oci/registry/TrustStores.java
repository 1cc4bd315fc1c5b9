package dev.portcullis.oci.registry;

import dev.portcullis.oci.ImageReadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS trust for registries: the JDK's trusted CAs plus those of a PEM file. */
public final class TrustStores {
  private TrustStores() {}

  /** An {@link SSLContext} that trusts the JDK's CAs and every certificate in {@code pemFile}. */
  public static SSLContext withExtraCas(Path pemFile) throws ImageReadException {
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(pemFile)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new ImageReadException("read CA file " + pemFile + ": " + e.getMessage(), e);
    }
    if (extra.isEmpty()) {
      throw new ImageReadException("read CA file " + pemFile + ": no PEM certificate in it");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate jdk : jdkTrustManager().getAcceptedIssuers()) {
        store.setCertificateEntry("jdk-" + i++, jdk);
      }
      i = 0;
      for (Certificate c : extra) {
        store.setCertificateEntry("ca-file-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new ImageReadException("set up TLS with CA file " + pemFile + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager jdkTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }
}
