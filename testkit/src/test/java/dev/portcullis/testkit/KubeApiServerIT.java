package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeApiServerIT {
  private static final Pattern UID = Pattern.compile("\"uid\":\"([^\"]+)\"");
  private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");

  @Test
  void kubectlAppliesANamespaceAPodAndADeployment() throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    String ns = "it-apply-" + UUID.randomUUID().toString().substring(0, 8);

    Tools.Result applied = kube.kubectl().apply(manifests(ns, "web"));
    Tools.Result pods = kube.kubectl().run("get", "pods", "-n", ns, "-o", "name");

    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdoutText()).contains("namespace/" + ns + " created", "pod/web created", "deployment.apps/web created");
    assertThat(pods.stdoutText()).isEqualTo("pod/web\n");
  }

  @Test
  void aValidatingWebhookSignedByTheTestCaDeniesAndWarnsAsKubectlPrintsIt(@TempDir Path dir) throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    String ns = "it-webhook-" + UUID.randomUUID().toString().substring(0, 8);
    KubeApiServer.WebhookTls tls = kube.webhookTls(dir);
    HttpsServer webhook = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    webhook.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
    webhook.createContext("/validate", exchange -> {
      String review = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String uid = first(UID, review);
      String name = first(NAME, review);
      boolean deny = name.startsWith("bad");
      String response = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"" + uid
          + "\",\"allowed\":" + !deny + ",\"warnings\":[\"PCS-TEST warn on " + name + "\"]"
          + (deny ? ",\"status\":{\"code\":403,\"message\":\"PCS-TEST denied " + name + "\"}" : "") + "}}";
      byte[] body = response.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    webhook.start();
    String config = ns + "-deny-bad";
    try {
      Tools.Result namespace = kube.kubectl().apply(manifests(ns, "placeholder").split("---")[0]);
      assertThat(namespace.exitCode()).as(namespace.stderr()).isZero();
      Tools.Result registered = kube.kubectl().apply("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: %s}
          webhooks:
          - name: deny-bad.portcullis.dev
            admissionReviewVersions: ["v1"]
            sideEffects: None
            failurePolicy: Fail
            timeoutSeconds: 5
            namespaceSelector: {matchLabels: {portcullis.dev/it: %s}}
            clientConfig: {url: "https://127.0.0.1:%d/validate", caBundle: %s}
            rules:
            - {operations: ["CREATE", "UPDATE"], apiGroups: ["", "apps"], apiVersions: ["v1"], resources: ["pods", "deployments"]}
          """.formatted(config, ns, webhook.getAddress().getPort(), tls.caBundle()));
      assertThat(registered.exitCode()).as(registered.stderr()).isZero();
      Path bad = dir.resolve("bad.yaml");
      Files.writeString(bad, manifests(ns, "bad-web"));

      // the API server picks a new webhook configuration up about a second after it is stored
      Tools.Result denied = kube.kubectl().runUntil(Duration.ofSeconds(30), r -> r.exitCode() != 0,
          List.of("apply", "-f", bad.toString()));
      Tools.Result admitted = kube.kubectl().apply(manifests(ns, "good-web"));

      assertThat(denied.exitCode()).isEqualTo(1);
      assertThat(denied.stderr())
          .contains("admission webhook \"deny-bad.portcullis.dev\" denied the request: PCS-TEST denied bad-web")
          .contains("Warning: PCS-TEST warn on bad-web");
      assertThat(admitted.exitCode()).as(admitted.stderr()).isZero();
      assertThat(admitted.stdoutText()).contains("pod/good-web created", "deployment.apps/good-web created");
      assertThat(admitted.stderr()).contains("Warning: PCS-TEST warn on good-web");
    } finally {
      kube.kubectl().run("delete", "validatingwebhookconfiguration", config, "--ignore-not-found");
      webhook.stop(0);
    }
  }

  private static String manifests(String ns, String name) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s, labels: {portcullis.dev/it: %1$s}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: %2$s, namespace: %1$s}
        spec: {containers: [{name: c, image: "127.0.0.1:5000/busybox:1"}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: %2$s}}
          template:
            metadata: {labels: {app: %2$s}}
            spec: {containers: [{name: c, image: "127.0.0.1:5000/busybox:1"}]}
        """.formatted(ns, name);
  }

  private static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private static SSLContext serverContext(KubeApiServer.WebhookTls tls) throws Exception {
    String pem = Files.readString(tls.privateKey());
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    Certificate[] chain;
    try (InputStream in = Files.newInputStream(tls.certificateChain())) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("webhook", key, new char[0], chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    return ssl;
  }
}
