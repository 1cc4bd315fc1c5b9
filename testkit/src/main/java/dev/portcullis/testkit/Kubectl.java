package dev.portcullis.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code kubectl} on the PATH bound to one kubeconfig file, run as a user would: what it prints is the answer, so
 * every exit code is returned, not thrown (a denied {@code apply} exits with 1 and prints the webhook's message on
 * stderr; admission warnings are printed on stderr as {@code Warning: ...}). Each call has a deadline.
 */
public final class Kubectl {
  /** The longest a call may take unless told otherwise. */
  public static final Duration DEADLINE = Duration.ofSeconds(60);

  private final Path kubeconfig;

  public Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** {@code kubectl --kubeconfig F ARGS}. */
  public Tools.Result run(Duration deadline, List<String> args) throws Tools.ToolException {
    return Exec.run(deadline, Map.of(), command(args));
  }

  /** As {@link #run(Duration, List)} with the {@link #DEADLINE}. */
  public Tools.Result run(String... args) throws Tools.ToolException {
    return run(DEADLINE, List.of(args));
  }

  /** {@code kubectl apply -f -} of {@code manifests} (YAML or JSON, several documents allowed), plus {@code args}. */
  public Tools.Result apply(String manifests, String... args) throws Tools.ToolException {
    List<String> a = new ArrayList<>(List.of("apply", "-f", "-"));
    a.addAll(List.of(args));
    return Exec.run(DEADLINE, Map.of(), command(a), manifests.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code kubectl apply -f FILE} (a file or a directory of manifests), plus {@code args}. */
  public Tools.Result apply(Path manifests, String... args) throws Tools.ToolException {
    List<String> a = new ArrayList<>(List.of("apply", "-f", manifests.toString()));
    a.addAll(List.of(args));
    return run(DEADLINE, a);
  }

  /**
   * Runs {@code args} again (every 200 ms) until {@code done} holds for the result or {@code within} has passed;
   * returns the last result. For what the API server picks up asynchronously, such as a new webhook configuration
   * (about a second after it is created).
   */
  public Tools.Result runUntil(Duration within, Predicate<Tools.Result> done, List<String> args) throws Tools.ToolException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Tools.Result r = run(DEADLINE, args);
      if (done.test(r) || System.nanoTime() >= deadline) {
        return r;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Tools.ToolException("kubectl " + String.join(" ", args) + ": interrupted while waiting", e);
      }
    }
  }

  private List<String> command(List<String> args) throws Tools.ToolException {
    Tools.require("kubectl");
    List<String> c = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    c.addAll(args);
    return c;
  }

  @Override
  public String toString() {
    return "kubectl --kubeconfig " + kubeconfig;
  }
}
