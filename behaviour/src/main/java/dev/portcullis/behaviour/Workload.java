package dev.portcullis.behaviour;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One application whose behaviour is learned: a podman container or any process tree in a network namespace of its
 * own.
 *
 * @param name a DNS label ({@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, at most 40 characters): it names the workload's
 *     nftables chains, its NetworkPolicy and its profile file
 * @param labels the pod labels a NetworkPolicy selects it by (sorted); {@code app: NAME} when none are given
 * @param namespace the Kubernetes namespace it runs in, when known
 * @param image the digest ({@code sha256:...}) of the image it runs, when known
 * @param addresses the IP addresses of its network namespace, by which other workloads' flows name it
 */
public record Workload(
    String name, Map<String, String> labels, @Nullable String namespace, @Nullable String image,
    List<String> addresses) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");
  private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public Workload {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("workload name " + quoted(name)
          + " is not a DNS label of at most 40 characters ([a-z0-9] and '-')");
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!LABEL_KEY.matcher(label.getKey()).matches() || !LABEL_VALUE.matcher(label.getValue()).matches()) {
        throw new IllegalArgumentException("workload " + name + ": label " + quoted(label.getKey()) + "="
            + quoted(label.getValue()) + " is not a Kubernetes label");
      }
    }
    labels = labels.isEmpty() ? Map.of("app", name) : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    if (namespace != null && !NAME.matcher(namespace).matches() && !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("workload " + name + ": namespace " + quoted(namespace) + " is not a DNS label");
    }
    if (image != null && !DIGEST.matcher(image).matches()) {
      throw new IllegalArgumentException("workload " + name + ": image " + quoted(image) + " is not a sha256 digest");
    }
    addresses = addresses.stream().map(Addresses::canonical).distinct().sorted().toList();
  }

  /** A workload known only by its name and addresses, labelled {@code app: NAME}. */
  public static Workload named(String name, List<String> addresses) {
    return new Workload(name, Map.of(), null, null, addresses);
  }

  static String quoted(String text) {
    String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
