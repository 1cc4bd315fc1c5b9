package dev.portcullis.admission;

/**
 * One reason a container may not start.
 *
 * @param rule a stable rule ID: {@code PCS-K8S-...} for host isolation (the same IDs the Kubernetes
 *     checks report at scan time), {@code PCS-ADM-...} for image approval
 * @param container the container it concerns ({@code pod} for pod-level settings)
 * @param message one line saying what is wrong and what to do
 */
public record Violation(String rule, String container, String message) {
  /** "PCS-K8S-001 container app: privileged container ...". */
  public String line() {
    return rule + " " + (container.equals("pod") ? "pod" : "container " + container) + ": " + message;
  }
}
