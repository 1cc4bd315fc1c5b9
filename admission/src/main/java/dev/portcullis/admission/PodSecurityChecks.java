package dev.portcullis.admission;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.Reference;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.k8s.KubernetesChecks;
import dev.portcullis.rules.k8s.Manifests;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Kubernetes checks that make up a Pod Security Standards level, run the way a scan runs them,
 * so that admission reports the same {@code PCS-K8S} rule IDs. A check belongs to the baseline level
 * when it cites a baseline control, to the restricted level when it cites a baseline or a
 * restricted control; the privileged level has none.
 */
public final class PodSecurityChecks {
  /** The sensitive host path rule, which the runtime hook and engine plugin apply at every level. */
  public static final String SENSITIVE_HOST_PATH = "PCS-K8S-007";

  private static final List<Check<Manifests>> KUBERNETES = kubernetes();
  private static final List<Check<Manifests>> BASELINE = level(StagePolicy.PodSecurity.BASELINE);
  private static final List<Check<Manifests>> RESTRICTED = level(StagePolicy.PodSecurity.RESTRICTED);

  private PodSecurityChecks() {}

  @SuppressWarnings("unchecked")
  private static List<Check<Manifests>> kubernetes() {
    List<Check<Manifests>> out = new ArrayList<>();
    for (Check<?> c : KubernetesChecks.all()) {
      if (c.subjectType() == Manifests.class) {
        out.add((Check<Manifests>) c);
      }
    }
    return List.copyOf(out);
  }

  private static List<Check<Manifests>> level(StagePolicy.PodSecurity level) {
    return KUBERNETES.stream().filter(c -> c.info().references().stream().anyMatch(r -> belongs(r, level))).toList();
  }

  private static boolean belongs(Reference r, StagePolicy.PodSecurity level) {
    return switch (level) {
      case PRIVILEGED -> false;
      case BASELINE -> r.standard() == Reference.Standard.PSS_BASELINE;
      case RESTRICTED -> r.standard() == Reference.Standard.PSS_BASELINE || r.standard() == Reference.Standard.PSS_RESTRICTED;
    };
  }

  /** The checks of {@code level}, by rule ID. */
  public static List<Check<Manifests>> checks(StagePolicy.PodSecurity level) {
    return switch (level) {
      case PRIVILEGED -> List.of();
      case BASELINE -> BASELINE;
      case RESTRICTED -> RESTRICTED;
    };
  }

  /** The Kubernetes check with rule ID {@code id}. */
  public static Check<Manifests> check(String id) {
    return KUBERNETES.stream().filter(c -> c.info().id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no Kubernetes check " + id));
  }

  /**
   * The violations of {@code checks} in {@code manifests}' workloads, each naming its container
   * ({@code pod} for pod-level settings) and saying what to do, sorted by rule ID then container.
   */
  public static List<Violation> evaluate(Manifests manifests, List<Check<Manifests>> checks) {
    List<Violation> out = new ArrayList<>();
    List<Manifests.Workload> workloads = manifests.workloads();
    for (Check<Manifests> check : checks) {
      for (CheckFinding f : check.evaluate(manifests)) {
        out.add(new Violation(f.id(), container(workloads, f.message()), f.message() + ". " + withoutFinalStop(check.info().remediation())));
      }
    }
    out.sort(Comparator.comparing(Violation::rule).thenComparing(Violation::container).thenComparing(Violation::message));
    return List.copyOf(out);
  }

  static String withoutFinalStop(String sentence) {
    return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
  }

  /** The container a finding's message names: the checks write {@code Kind/name container NAME ...}. */
  private static String container(List<Manifests.Workload> workloads, String message) {
    String best = "pod";
    int bestLength = -1;
    for (Manifests.Workload w : workloads) {
      for (Manifests.Container c : w.containers()) {
        String prefix = w.display() + " container " + c.name() + " ";
        if (message.startsWith(prefix) && prefix.length() > bestLength) {
          best = c.name();
          bestLength = prefix.length();
        }
      }
    }
    return best;
  }
}
