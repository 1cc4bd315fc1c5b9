package dev.portcullis.admission.cluster;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the cluster manifests are written from.
 *
 * @param namespace the namespace the webhook server runs in; the webhooks never apply to it
 * @param image the server's image, by digest ({@code registry/name[:tag]@sha256:<64 hex>})
 * @param serviceName the Service (and Deployment) name the API server calls
 * @param servicePort the Service's port (the container listens on {@link #CONTAINER_PORT})
 * @param stages the stages, each a webhook for the namespaces labelled {@code portcullis.dev/stage=STAGE}; sorted, distinct
 * @param timeoutSeconds how long the API server waits for each webhook, 1 to 30
 * @param tls where the serving certificate comes from
 * @param args the server's command-line arguments in the container
 * @param podDisruptionBudget whether to write a PodDisruptionBudget ({@code policy/v1}, Kubernetes 1.21 and later)
 */
public record ClusterSpec(String namespace, String image, String serviceName, int servicePort, List<String> stages, int timeoutSeconds,
    Tls tls, List<String> args, boolean podDisruptionBudget) {
  /** The port the server listens on inside its pod: above 1024, so it needs no capability. */
  public static final int CONTAINER_PORT = 8443;
  public static final int DEFAULT_TIMEOUT_SECONDS = 5;
  /** Where the Deployment mounts the webhook's configuration and, below it, the serving certificate (one read-only volume). */
  public static final String CONFIG_DIR = "/etc/portcullis";
  /** The webhook's configuration, from the ConfigMap the manifests write. */
  public static final String CONFIG_FILE = CONFIG_DIR + "/admission.yaml";
  /** Where the Deployment mounts the serving certificate and key ({@code tls.crt}, {@code tls.key}). */
  public static final String TLS_DIR = CONFIG_DIR + "/tls";
  /** The server's arguments unless others are given: the standalone webhook with the mounted configuration and certificate. */
  public static final List<String> DEFAULT_ARGS = List.of("admission", "serve", "--config", CONFIG_FILE, "--listen", "0.0.0.0:" + CONTAINER_PORT,
      "--tls-cert", TLS_DIR + "/tls.crt", "--tls-key", TLS_DIR + "/tls.key");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DIGEST_REF = Pattern.compile("[a-z0-9][^@\\s]*@sha256:[0-9a-f]{64}");

  public ClusterSpec {
    requireLabel("namespace", namespace);
    requireLabel("service name", serviceName);
    Objects.requireNonNull(image, "image");
    if (!DIGEST_REF.matcher(image).matches()) {
      throw new IllegalArgumentException("the server image must be named by digest (NAME@sha256:<64 hex>), so every replica runs the same bytes: "
          + image);
    }
    if (servicePort < 1 || servicePort > 65535) {
      throw new IllegalArgumentException("service port " + servicePort + " is not between 1 and 65535");
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("no stage given: each stage is one webhook, at least one is needed");
    }
    stages.forEach(s -> requireLabel("stage", s));
    if (new TreeSet<>(stages).size() != stages.size()) {
      throw new IllegalArgumentException("a stage is given twice: " + stages);
    }
    stages = List.copyOf(new TreeSet<>(stages));
    if (timeoutSeconds < 1 || timeoutSeconds > 30) {
      throw new IllegalArgumentException("webhook timeout " + timeoutSeconds + " s is outside what Kubernetes accepts (1 to 30 s)");
    }
    Objects.requireNonNull(tls, "tls");
    if (tls instanceof Provided p) {
      requireNamed(p.certificatePem(), serviceName + "." + namespace + ".svc");
    }
    args = List.copyOf(args);
  }

  /** The usual server: {@link #DEFAULT_ARGS}, a PodDisruptionBudget. */
  public ClusterSpec(String namespace, String image, String serviceName, int servicePort, List<String> stages, int timeoutSeconds, Tls tls) {
    this(namespace, image, serviceName, servicePort, stages, timeoutSeconds, tls, DEFAULT_ARGS, true);
  }

  /** The name the API server connects to, which the serving certificate must carry. */
  public String serviceHost() {
    return serviceName + "." + namespace + ".svc";
  }

  private static void requireLabel(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!DNS_LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a DNS label (lower-case letters, digits and '-', at most 63)");
    }
  }

  /** The API server checks the certificate against the Service's host name: one that does not carry it never works. */
  private static void requireNamed(String certificatePem, String host) {
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("read the serving certificate: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        // 2 is dNSName in GeneralName
        sans.stream().filter(n -> Integer.valueOf(2).equals(n.get(0))).forEach(n -> names.add(String.valueOf(n.get(1))));
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("read the serving certificate's names: " + e.getMessage(), e);
    }
    if (!names.contains(host)) {
      throw new IllegalArgumentException("the serving certificate does not name " + host + ", the host the API server calls (its DNS names: "
          + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    }
  }

  /** Where the webhook server's serving certificate comes from. */
  public sealed interface Tls permits Provided, CertManager {}

  /**
   * A certificate and key given as PEM, written into a {@code kubernetes.io/tls} Secret, and the CA
   * that signed it, written as the webhooks' {@code caBundle}.
   */
  public record Provided(String caPem, String certificatePem, String keyPem) implements Tls {
    public Provided {
      requirePem("CA bundle", caPem, "-----BEGIN CERTIFICATE-----");
      requirePem("certificate", certificatePem, "-----BEGIN CERTIFICATE-----");
      requirePem("key", keyPem, "PRIVATE KEY-----");
    }

    /** Never shows the key. */
    @Override
    public String toString() {
      return "Provided[ca, certificate, key (not shown)]";
    }

    private static void requirePem(String what, String pem, String marker) {
      Objects.requireNonNull(pem, what);
      if (!pem.contains(marker)) {
        throw new IllegalArgumentException("the " + what + " is not PEM (no '" + marker + "' line)");
      }
    }
  }

  /**
   * cert-manager issues the certificate: a self-signed {@code Issuer} named {@code issuer} and a
   * {@code Certificate} in the server's namespace; its CA injector fills the webhooks' {@code caBundle}.
   */
  public record CertManager(String issuer) implements Tls {
    public CertManager {
      requireLabel("cert-manager issuer", issuer);
    }
  }
}
