package dev.portcullis.admission;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The one admission decision. Image approval reads only the {@link Evidence} it is given, within
 * the stage's {@code fetchDeadline}; a lookup that fails or runs out of time is a violation, never
 * an admission. Host isolation reports the same {@code PCS-K8S} rule IDs the Kubernetes checks
 * report at scan time. Thread-safe when its evidence is.
 */
public final class Admission {
  /** Image approval rule IDs. */
  public static final String NOT_BY_DIGEST = "PCS-ADM-001";
  public static final String REGISTRY_NOT_ALLOWED = "PCS-ADM-002";
  public static final String UNKNOWN_IMAGE = "PCS-ADM-003";
  public static final String NOT_SIGNED = "PCS-ADM-004";
  public static final String NO_PASSING_VERDICT = "PCS-ADM-005";
  public static final String STALE_VERDICT = "PCS-ADM-006";
  public static final String QUARANTINED = "PCS-ADM-007";
  public static final String UNDECIDED = "PCS-ADM-008";
  /** Host isolation beyond the Kubernetes rules: a container without a user namespace of its own. */
  public static final String HOST_USER_NAMESPACE = "PCS-ADM-009";

  private final Evidence evidence;
  private final Clock clock;

  public Admission(Evidence evidence, Clock clock) {
    this.evidence = Objects.requireNonNull(evidence, "evidence");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What image approval found for a request.
   *
   * @param violations the rules broken, in container order
   * @param warnings what the user should hear though nothing was refused (an unknown image under {@code onMissing: warn})
   * @param resolved the digest each tag-only image (keyed by the reference as written) resolved to
   */
  public record Checked(List<Violation> violations, List<String> warnings, Map<String, Digest> resolved) {
    public Checked {
      violations = List.copyOf(violations);
      warnings = List.copyOf(warnings);
      resolved = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }
  }

  /**
   * Image approval for each container under the stage policy: digest, registry, signature,
   * verdict, standing; handles onMissing (DENY/WARN/FETCH with policy.fetchDeadline()).
   * Violations with rule IDs PCS-ADM-nnn. A lookup that fails is reported as a violation of the
   * image it concerns; this method throws only when the thread is interrupted.
   */
  public Checked images(List<ContainerImage> images, StagePolicy policy) throws IOException {
    Instant now = clock.instant();
    Instant deadline = now.plus(policy.fetchDeadline());
    List<Violation> violations = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Digest> resolved = new LinkedHashMap<>();
    Map<Digest, Lookup<Optional<ImageFacts>>> factsSeen = new HashMap<>();
    for (ContainerImage image : images) {
      ImageRef ref;
      try {
        ref = ImageRef.parse(image.image());
      } catch (IllegalArgumentException e) {
        violations.add(new Violation(NOT_BY_DIGEST, image.container(), "image '" + image.image() + "' is not a valid reference ("
            + e.getMessage() + "); name it as registry/repository:tag@sha256:..."));
        continue;
      }
      if (!policy.registries().isEmpty() && policy.registries().stream().noneMatch(g -> registryMatches(g, ref.registry()))) {
        violations.add(new Violation(REGISTRY_NOT_ALLOWED, image.container(), "image " + image.image() + " comes from registry "
            + ref.registry() + ", which stage " + policy.stage() + " does not allow (allowed: " + String.join(", ", policy.registries())
            + "); copy it to an allowed registry and deploy it from there"));
      }
      Optional<Digest> digest = ref.digestIfAny();
      if (digest.isEmpty()) {
        Lookup<Optional<Digest>> lookup = lookup(policy, deadline, () -> evidence.resolve(ref, deadline));
        if (lookup instanceof Lookup.Failed<Optional<Digest>> failed) {
          violations.add(unreadable(image, policy, failed.reason()));
          continue;
        }
        digest = ((Lookup.Found<Optional<Digest>>) lookup).value();
        digest.ifPresent(d -> resolved.put(image.image(), d));
      }
      if (policy.requireDigest() && ref.digestIfAny().isEmpty()) {
        violations.add(new Violation(NOT_BY_DIGEST, image.container(), digest
            .map(d -> "image " + image.image() + " is named by tag; stage " + policy.stage() + " requires a digest (the tag resolves to " + d
                + "): deploy " + image.image() + "@" + d + ", or let Portcullis' mutating webhook pin it")
            .orElse("image " + image.image() + " is named by tag and Portcullis knows no digest for it; push it to a watched registry and "
                + "deploy it by digest (name:tag@sha256:...)")));
      }
      if (digest.isEmpty()) {
        missing(image, policy, violations, warnings);
        continue;
      }
      Digest d = digest.get();
      Lookup<Optional<ImageFacts>> lookup = factsSeen.get(d);
      if (lookup == null) {
        ImageRef pinned = ref.withDigest(d);
        lookup = lookup(policy, deadline, () -> evidence.facts(pinned, d, deadline));
        factsSeen.put(d, lookup);
      }
      switch (lookup) {
        case Lookup.Failed<Optional<ImageFacts>> failed -> violations.add(unreadable(image, policy, failed.reason()));
        case Lookup.Found<Optional<ImageFacts>> found -> {
          if (found.value().isEmpty()) {
            missing(image, policy, violations, warnings);
          } else {
            approve(image, found.value().get(), policy, now, violations);
          }
        }
      }
    }
    return new Checked(violations, warnings, resolved);
  }

  private void missing(ContainerImage image, StagePolicy policy, List<Violation> violations, List<String> warnings) {
    String what = "nothing is known about image " + image.image();
    String todo = "push it to a watched registry and let Portcullis scan it, or sign it with a trusted key";
    switch (policy.onMissing()) {
      case DENY, FETCH -> violations.add(new Violation(UNKNOWN_IMAGE, image.container(), what + "; " + todo));
      case WARN -> warnings.add("container " + image.container() + ": " + what + " (admitted: onMissing is warn); " + todo);
    }
  }

  private static Violation unreadable(ContainerImage image, StagePolicy policy, String reason) {
    String source = policy.onMissing() == StagePolicy.OnMissing.FETCH ? "its registry" : "Portcullis' state";
    return new Violation(UNKNOWN_IMAGE, image.container(), "the facts of image " + image.image() + " could not be read from " + source
        + " within " + policy.fetchDeadline().toMillis() + " ms (" + reason + "); retry, or push it to a watched registry so that "
        + "Portcullis knows it before it is deployed");
  }

  private void approve(ContainerImage image, ImageFacts facts, StagePolicy policy, Instant now, List<Violation> out) {
    String c = image.container();
    String name = image.image();
    facts.standing().ifPresent(standing -> {
      if (standing == Standing.QUARANTINED) {
        out.add(new Violation(QUARANTINED, c, "image " + name + " is quarantined" + (facts.summary().isBlank() ? "" : " (" + facts.summary() + ")")
            + "; fix it and push a new image, or ask a security reviewer to release it"));
      } else if (standing == Standing.UNDECIDED && !policy.allowUndecided()) {
        out.add(new Violation(UNDECIDED, c, "image " + name + " has not been decided yet (its scan is pending); retry when Portcullis "
            + "has scanned it"));
      }
    });
    if (policy.requireSignature() && facts.signatureKeys().stream().noneMatch(k -> trusted(policy, k))) {
      out.add(new Violation(NOT_SIGNED, c, "image " + name + " is not signed by a key stage " + policy.stage() + " trusts"
          + (policy.trustedKeys().isEmpty() ? "" : " (" + String.join(", ", policy.trustedKeys().stream().sorted().toList()) + ")")
          + "; sign it with a trusted key (portcullis sign) or let Portcullis scan and sign it"));
    }
    policy.verdict().ifPresent(rule -> {
      List<VerdictEvidence> accepted = facts.verdicts().stream()
          .filter(v -> v.passing() && trusted(policy, v.keyId()) && accepts(rule, v)).toList();
      if (accepted.isEmpty()) {
        String earlier = rule.earlier().stream().map(a -> a.stage() + " with score >= " + a.minScore()).collect(Collectors.joining(", "));
        out.add(new Violation(NO_PASSING_VERDICT, c, "image " + name + " has no passing verdict for stage " + rule.stage()
            + (earlier.isEmpty() ? "" : " (nor for " + earlier + ")") + " signed by a trusted key; scan it for " + rule.stage()
            + " (portcullis scan --stage " + rule.stage() + " --attest) or promote it through the earlier stages"));
        return;
      }
      Instant newest = accepted.stream().map(VerdictEvidence::issuedAt).max(Instant::compareTo).orElseThrow();
      if (newest.plus(rule.maxAge()).isBefore(now)) {
        out.add(new Violation(STALE_VERDICT, c, "the newest passing verdict of image " + name + " for stage " + rule.stage() + " is from "
            + newest + ", older than " + days(rule.maxAge()) + "; scan it again to renew its verdict"));
      }
    });
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 && d.toDays() > 0 ? d.toDays() + " days" : d.toString();
  }

  private static boolean accepts(StagePolicy.VerdictRule rule, VerdictEvidence v) {
    return v.stage().equals(rule.stage()) || rule.earlier().stream().anyMatch(a -> a.stage().equals(v.stage()) && v.score() >= a.minScore());
  }

  private static boolean trusted(StagePolicy policy, String keyId) {
    return policy.trustedKeys().isEmpty() || policy.trustedKeys().contains(keyId);
  }

  /** Whether {@code registry} matches {@code glob}: {@code *} stands for any run of characters; case does not matter. */
  static boolean registryMatches(String glob, String registry) {
    String g = glob.toLowerCase(Locale.ROOT);
    String r = registry.toLowerCase(Locale.ROOT);
    String[] parts = g.split("\\*", -1);
    if (parts.length == 1) {
      return g.equals(r);
    }
    // the first part anchors the start, the last the end; the ones between are found in order, leftmost first
    if (!r.startsWith(parts[0]) || !r.endsWith(parts[parts.length - 1]) || r.length() < parts[0].length() + parts[parts.length - 1].length()) {
      return false;
    }
    int at = parts[0].length();
    int end = r.length() - parts[parts.length - 1].length();
    for (int i = 1; i < parts.length - 1; i++) {
      int found = r.indexOf(parts[i], at);
      if (found < 0 || found + parts[i].length() > end) {
        return false;
      }
      at = found + parts[i].length();
    }
    return true;
  }


  /** The answer of one evidence call, or why there was none. */
  private sealed interface Lookup<T> {
    record Found<T>(T value) implements Lookup<T> {}

    record Failed<T>(String reason) implements Lookup<T> {}
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws IOException;
  }

  /**
   * One evidence call. Under {@code onMissing: fetch} the evidence may read a registry, so the call
   * is also cut off at the deadline here, whatever the evidence does with it.
   */
  private <T> Lookup<T> lookup(StagePolicy policy, Instant deadline, Call<T> call) throws InterruptedIOException {
    if (policy.onMissing() != StagePolicy.OnMissing.FETCH) {
      try {
        return new Lookup.Found<>(call.call());
      } catch (IOException e) {
        return new Lookup.Failed<>(reason(e));
      }
    }
    long millis = Duration.between(clock.instant(), deadline).toMillis();
    if (millis <= 0) {
      return new Lookup.Failed<>("the deadline had passed");
    }
    // Not an executor: closing one waits for the call, and a call that ignores interrupts must not hold the decision.
    CompletableFuture<T> answer = new CompletableFuture<>();
    Thread worker = Thread.ofVirtual().name("portcullis-fetch").start(() -> {
      try {
        answer.complete(call.call());
      } catch (Throwable t) {
        answer.completeExceptionally(t);
      }
    });
    try {
      return new Lookup.Found<>(answer.get(millis, TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      worker.interrupt();
      return new Lookup.Failed<>("no answer in time");
    } catch (ExecutionException e) {
      return new Lookup.Failed<>(reason(e.getCause() == null ? e : e.getCause()));
    } catch (InterruptedException e) {
      worker.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the facts of an image");
    }
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * Host isolation of one runtime/engine container: the same PCS-K8S rule IDs the Kubernetes checks
   * report (through a synthetic pod run through rules' KubernetesChecks at the profile's PSS level),
   * plus the profile's capability set, host user namespace and read-only root.
   */
  public static List<Violation> hostIsolation(String container, HostAccess access, HostProfile profile) {
    return HostIsolation.check(container, access, profile);
  }

  /**
   * Applies the mode: ENFORCE refuses on any violation; WARN admits with the violations as warnings;
   * AUDIT admits silently (violations kept for the record).
   */
  public static Outcome outcome(List<Violation> violations, List<String> warnings, StagePolicy.Mode mode) {
    return switch (mode) {
      case ENFORCE -> violations.isEmpty()
          ? new Outcome.Admit(List.of(), warnings)
          : new Outcome.Refuse(violations, violations.stream().map(Violation::line).collect(Collectors.joining("; ")));
      case WARN -> {
        List<String> all = new ArrayList<>(warnings);
        violations.forEach(v -> all.add(v.line()));
        yield new Outcome.Admit(violations, all);
      }
      case AUDIT -> new Outcome.Admit(violations, warnings);
    };
  }
}
