package dev.portcullis.admission.cluster;

import static dev.portcullis.admission.cluster.YamlDocument.fields;
import static dev.portcullis.admission.cluster.YamlDocument.items;

import dev.portcullis.admission.cluster.YamlDocument.Commented;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The objects a cluster needs for the admission webhooks: the server's Namespace, ServiceAccount,
 * TLS material (a Secret, or a cert-manager Issuer and Certificate), the webhook's configuration (a
 * ConfigMap: every stage with safe defaults, the server's namespace and kube-system ignored),
 * Service, NetworkPolicy, Deployment and PodDisruptionBudget, then one mutating and one validating
 * webhook per stage. They
 * pass every built-in {@code PCS-K8S} check: restricted Pod Security, image by digest, no API token,
 * no RBAC (the server never calls the API server: the stage comes from the webhook's path).
 */
public final class ClusterManifests {
  /** The label that names a namespace's stage. */
  public static final String STAGE_LABEL = "portcullis.dev/stage";
  /** The label the API server sets on every namespace from Kubernetes 1.21 on. */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  /** The UID and GID the server runs as: no user of the host, above the range distributions give people. */
  public static final int RUN_AS = 10001;

  private ClusterManifests() {}

  /** The path of the validating webhook of {@code stage} on the server. */
  public static String validatePath(String stage) {
    return "/admission/validate/" + stage;
  }

  /** The path of the mutating (tag-pinning) webhook of {@code stage} on the server. */
  public static String mutatePath(String stage) {
    return "/admission/mutate/" + stage;
  }

  /** The manifests as one YAML stream. */
  public static String yaml(ClusterSpec spec) {
    return YamlDocument.write(documents(spec));
  }

  /** The objects in the order they are applied: what a webhook calls exists before the webhook. */
  public static List<YamlDocument> documents(ClusterSpec spec) {
    List<YamlDocument> docs = new ArrayList<>();
    docs.add(new YamlDocument(List.of("Portcullis admission webhooks, written by 'portcullis admission manifests'; apply with kubectl apply -f"),
        object("v1", "Namespace", spec.namespace(), null, fields("labels", fields(
            NAMESPACE_NAME_LABEL, spec.namespace(),
            "pod-security.kubernetes.io/enforce", "restricted")))));
    docs.add(new YamlDocument(List.of(
        "No Role or ClusterRole: the server never calls the API server (the stage is in the webhook's path), so it gets no token either"),
        with(object("v1", "ServiceAccount", spec.serviceName(), spec.namespace(), labels(spec)), "automountServiceAccountToken", false)));
    docs.addAll(tls(spec));
    docs.add(new YamlDocument(List.of("The webhook's configuration (portcullis admission serve --config); edit the stages' requirements here"),
        with(object("v1", "ConfigMap", configMapName(spec), spec.namespace(), labels(spec)), "data", fields(
            CONFIG_KEY, configuration(spec)))));
    docs.add(new YamlDocument(with(object("v1", "Service", spec.serviceName(), spec.namespace(), labels(spec)), "spec", fields(
        "type", "ClusterIP",
        "selector", selector(spec),
        "ports", items(fields("name", "https", "port", spec.servicePort(), "targetPort", "https", "protocol", "TCP"))))));
    docs.add(new YamlDocument(List.of("The API server is not a pod and its address differs per cluster: webhook calls may come from any source, on this port only"),
        with(object("networking.k8s.io/v1", "NetworkPolicy", spec.serviceName(), spec.namespace(), labels(spec)), "spec", fields(
            "podSelector", fields("matchLabels", selector(spec)),
            "policyTypes", items("Ingress"),
            "ingress", items(fields("ports", items(fields("protocol", "TCP", "port", ClusterSpec.CONTAINER_PORT))))))));
    docs.add(new YamlDocument(deployment(spec)));
    if (spec.podDisruptionBudget()) {
      docs.add(new YamlDocument(List.of("With failurePolicy Fail no pod starts while no replica answers: keep one through node drains"),
          with(object("policy/v1", "PodDisruptionBudget", spec.serviceName(), spec.namespace(), labels(spec)), "spec", fields(
              "minAvailable", 1,
              "selector", fields("matchLabels", selector(spec))))));
    }
    docs.add(new YamlDocument(webhooks(spec, true)));
    docs.add(new YamlDocument(webhooks(spec, false)));
    return List.copyOf(docs);
  }

  private static List<YamlDocument> tls(ClusterSpec spec) {
    String secret = secretName(spec);
    return switch (spec.tls()) {
      case ClusterSpec.Provided p -> List.of(new YamlDocument(with(with(object("v1", "Secret", secret, spec.namespace(), labels(spec)),
          "type", "kubernetes.io/tls"), "data", fields(
              "tls.crt", base64(p.certificatePem()),
              "tls.key", base64(p.keyPem())))));
      case ClusterSpec.CertManager c -> List.of(
          new YamlDocument(with(object("cert-manager.io/v1", "Issuer", c.issuer(), spec.namespace(), labels(spec)), "spec", fields("selfSigned", fields()))),
          new YamlDocument(with(object("cert-manager.io/v1", "Certificate", secret, spec.namespace(), labels(spec)), "spec", fields(
              "secretName", secret,
              "dnsNames", items(spec.serviceName() + "." + spec.namespace() + ".svc", spec.serviceName() + "." + spec.namespace() + ".svc.cluster.local"),
              "privateKey", fields("algorithm", "ECDSA", "size", 256, "rotationPolicy", "Always"),
              "issuerRef", fields("name", c.issuer(), "kind", "Issuer", "group", "cert-manager.io")))));
    };
  }

  private static Map<String, Object> deployment(ClusterSpec spec) {
    Map<String, Object> containerSecurity = fields(
        "allowPrivilegeEscalation", false,
        "privileged", false,
        "readOnlyRootFilesystem", true,
        "runAsNonRoot", true,
        "runAsUser", RUN_AS,
        "runAsGroup", RUN_AS,
        "capabilities", fields("drop", items("ALL")),
        "seccompProfile", fields("type", "RuntimeDefault"));
    Map<String, Object> container = fields(
        "name", "webhook",
        "image", spec.image(),
        "imagePullPolicy", "IfNotPresent",
        "args", new ArrayList<Object>(spec.args()),
        "ports", items(fields("name", "https", "containerPort", ClusterSpec.CONTAINER_PORT, "protocol", "TCP")),
        "resources", fields(
            "requests", fields("cpu", "250m", "memory", "256Mi"),
            "limits", fields("cpu", "1", "memory", "512Mi")),
        "livenessProbe", probe("/healthz", 10),
        "readinessProbe", probe("/readyz", 5),
        "securityContext", containerSecurity,
        "volumeMounts", items(
            fields("name", "config", "mountPath", ClusterSpec.CONFIG_DIR, "readOnly", true),
            fields("name", "tmp", "mountPath", "/tmp")));
    Map<String, Object> podSpec = fields(
        "serviceAccountName", spec.serviceName(),
        "automountServiceAccountToken", false,
        "securityContext", fields(
            "runAsNonRoot", true,
            "runAsUser", RUN_AS,
            "runAsGroup", RUN_AS,
            "fsGroup", RUN_AS,
            "seccompProfile", fields("type", "RuntimeDefault")),
        "affinity", fields("podAntiAffinity", fields("preferredDuringSchedulingIgnoredDuringExecution", items(fields(
            "weight", 100,
            "podAffinityTerm", fields("topologyKey", "kubernetes.io/hostname", "labelSelector", fields("matchLabels", selector(spec))))))),
        "containers", items(container),
        // one projected volume, so the certificate sits below the configuration without a mount inside a mount
        "volumes", items(
            fields("name", "config", "projected", fields("defaultMode", 0440, "sources", items(
                // every key of the ConfigMap is a file: the configuration and the public keys it names
                fields("configMap", fields("name", configMapName(spec))),
                fields("secret", fields("name", secretName(spec), "items", items(
                    fields("key", "tls.crt", "path", "tls/tls.crt"),
                    fields("key", "tls.key", "path", "tls/tls.key"))))))),
            fields("name", "tmp", "emptyDir", fields("sizeLimit", "64Mi"))));
    return with(object("apps/v1", "Deployment", spec.serviceName(), spec.namespace(), labels(spec)), "spec", fields(
        "replicas", 2,
        "selector", fields("matchLabels", selector(spec)),
        "strategy", fields("type", "RollingUpdate", "rollingUpdate", fields("maxUnavailable", 0, "maxSurge", 1)),
        "template", fields(
            "metadata", fields("labels", labels(spec)),
            "spec", podSpec)));
  }

  private static Map<String, Object> probe(String path, int period) {
    return fields("httpGet", fields("path", path, "port", "https", "scheme", "HTTPS"), "periodSeconds", period, "timeoutSeconds", 2,
        "failureThreshold", 3);
  }

  private static Map<String, Object> webhooks(ClusterSpec spec, boolean mutating) {
    String kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
    Map<String, Object> metadata = fields("name", spec.serviceName() + "." + spec.namespace() + (mutating ? ".mutate" : ".validate"),
        "labels", labels(spec));
    if (spec.tls() instanceof ClusterSpec.CertManager) {
      metadata.put("annotations", fields("cert-manager.io/inject-ca-from", spec.namespace() + "/" + secretName(spec)));
    }
    List<Object> hooks = new ArrayList<>();
    for (String stage : spec.stages()) {
      Map<String, Object> service = fields(
          "namespace", spec.namespace(),
          "name", spec.serviceName(),
          "path", mutating ? mutatePath(stage) : validatePath(stage),
          "port", spec.servicePort());
      Map<String, Object> clientConfig = fields("service", service);
      if (spec.tls() instanceof ClusterSpec.Provided p) {
        clientConfig.put("caBundle", base64(p.caPem()));
      }
      Map<String, Object> hook = fields(
          "name", stage + (mutating ? ".mutate" : ".validate") + ".portcullis.dev",
          "clientConfig", clientConfig,
          "rules", rules(),
          "matchPolicy", "Equivalent",
          "namespaceSelector", fields(
              "matchLabels", fields(STAGE_LABEL, stage),
              "matchExpressions", new Commented(
                  "kubernetes.io/metadata.name exists from Kubernetes 1.21; on older clusters the server skips these namespaces itself",
                  items(fields("key", NAMESPACE_NAME_LABEL, "operator", "NotIn", "values", new ArrayList<Object>(excluded(spec)))))),
          "failurePolicy", "Fail",
          "sideEffects", "None",
          "admissionReviewVersions", items("v1", "v1beta1"),
          "timeoutSeconds", spec.timeoutSeconds());
      if (mutating) {
        hook.put("reinvocationPolicy", "IfNeeded");
      }
      hooks.add(hook);
    }
    Map<String, Object> body = fields("apiVersion", "admissionregistration.k8s.io/v1", "kind", kind, "metadata", metadata);
    body.put("webhooks", hooks);
    return body;
  }

  /** Namespaces no webhook applies to: the server's own (it could not start its pods otherwise) and kube-system. */
  static List<String> excluded(ClusterSpec spec) {
    return List.copyOf(new TreeSet<>(List.of(spec.namespace(), "kube-system")));
  }

  /** Pods, and every kind with a pod template, on create and update. */
  static List<Object> rules() {
    List<String> ops = List.of("CREATE", "UPDATE");
    return items(
        rule("", List.of("v1"), List.of("pods", "pods/ephemeralcontainers", "replicationcontrollers"), ops),
        rule("apps", List.of("v1"), List.of("daemonsets", "deployments", "replicasets", "statefulsets"), ops),
        // batch/v1beta1 serves CronJobs up to Kubernetes 1.24, batch/v1 from 1.21
        rule("batch", List.of("v1", "v1beta1"), List.of("cronjobs", "jobs"), ops));
  }

  private static Map<String, Object> rule(String group, List<String> versions, List<String> resources, List<String> ops) {
    return fields("apiGroups", items(group), "apiVersions", new ArrayList<Object>(versions), "resources", new ArrayList<Object>(resources),
        "operations", new ArrayList<Object>(ops), "scope", "Namespaced");
  }

  /** The ConfigMap's key, and the file name under {@link ClusterSpec#CONFIG_DIR}. */
  static final String CONFIG_KEY = "admission.yaml";

  static String configMapName(ClusterSpec spec) {
    return spec.serviceName();
  }

  /**
   * The webhook's configuration file: each stage requires an image by digest, a signature by its
   * trusted keys and a passing verdict of at most 30 days, Pod Security {@code restricted} for a
   * stage named {@code prod} and {@code baseline} otherwise, and denies images nothing is known of.
   */
  static String configuration(ClusterSpec spec) {
    StringBuilder out = new StringBuilder();
    out.append("# portcullis admission serve: what each stage requires of the pods in the namespaces labelled ").append(STAGE_LABEL)
        .append("=STAGE.\n");
    out.append("# Give each stage trustedKeys (public key files, for example added to this ConfigMap and named by file name):\n");
    out.append("# until then requireSignature denies every image.\n");
    out.append("#\n");
    out.append("# Without server: the webhooks read the registries on a cache miss (cacheTtl, default 5m), within fetchDeadline.\n");
    out.append("# To decide from a Portcullis server's stored state instead, and record every decision in its audit trail,\n");
    out.append("# put an API token of the role agent in a Secret, add it to the Deployment's config volume sources\n");
    out.append("# (secret: {name: SECRET, items: [{key: token, path: token}]}), and add:\n");
    out.append("# server:\n");
    out.append("#   url: https://portcullis.portcullis.svc:8470\n");
    out.append("#   tokenFile: token\n");
    out.append("#   caFile: server-ca.pem\n");
    out.append("stages:\n");
    for (String stage : spec.stages()) {
      out.append("  ").append(stage).append(":\n");
      out.append("    admission:\n");
      out.append("      requireDigest: true\n");
      out.append("      requireSignature: true\n");
      out.append("      verdict: {maxAge: 30d}\n");
      out.append("      podSecurity: ").append(stage.equals("prod") ? "restricted" : "baseline").append("\n");
      out.append("      onMissing: deny\n");
    }
    out.append("admission:\n");
    out.append("  # the webhook configurations exclude these already; the webhook skips them too, on clusters older than 1.21\n");
    out.append("  ignoreNamespaces: [").append(String.join(", ", excluded(spec))).append("]\n");
    return out.toString();
  }

  static String secretName(ClusterSpec spec) {
    return spec.serviceName() + "-tls";
  }

  private static Map<String, Object> labels(ClusterSpec spec) {
    return fields("app.kubernetes.io/name", spec.serviceName(), "app.kubernetes.io/component", "admission-webhook", "app.kubernetes.io/part-of",
        "portcullis");
  }

  private static Map<String, Object> selector(ClusterSpec spec) {
    return fields("app.kubernetes.io/name", spec.serviceName());
  }

  private static Map<String, Object> object(String apiVersion, String kind, String name, @org.jspecify.annotations.Nullable String namespace,
      Map<String, Object> labelsOrMetadata) {
    Map<String, Object> metadata = fields("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    if (labelsOrMetadata.containsKey("labels")) {
      metadata.putAll(labelsOrMetadata);
    } else {
      metadata.put("labels", labelsOrMetadata);
    }
    return fields("apiVersion", apiVersion, "kind", kind, "metadata", metadata);
  }

  private static Map<String, Object> with(Map<String, Object> object, String key, Object value) {
    object.put(key, value);
    return object;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
