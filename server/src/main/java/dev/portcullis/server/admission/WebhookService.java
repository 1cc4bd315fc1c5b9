package dev.portcullis.server.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.Violation;
import dev.portcullis.admission.k8s.Webhook;
import dev.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Kubernetes admission webhooks as the server and {@code portcullis admission serve} both
 * answer them: the stage from the webhook's path, else the namespace's mapping, else the default
 * stage; ignored namespaces and namespaces without a stage are admitted unchecked. Each answer
 * carries what its audit record says (target, outcome, reason). Thread-safe.
 */
public final class WebhookService {
  /** What a stage without admission settings, or an ignored namespace, gets: nothing checked, nothing refused. */
  public static final StagePolicy UNCHECKED = new StagePolicy("none", false, false, Optional.empty(), Set.of(), List.of(), true,
      StagePolicy.PodSecurity.PRIVILEGED, StagePolicy.OnMissing.WARN, Duration.ofSeconds(1), StagePolicy.Mode.AUDIT);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServerConfig.Admission config;
  private final Webhook webhook;

  public WebhookService(ServerConfig.Admission config, Evidence evidence, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.webhook = new Webhook(evidence, clock, (int) config.maxRequestBytes());
  }

  /** The webhook path named a stage that has no admission settings. */
  public static final class UnknownStage extends Exception {
    public UnknownStage(String stage) {
      super("no admission settings for stage " + stage + " (stages." + stage + ".admission in the server's configuration)");
    }
  }

  /**
   * One answer and its audit record.
   *
   * @param reply what to send (an AdmissionReview when its status is 200, else {@code {"error": ...}})
   * @param stage the stage whose requirements applied (empty: none)
   * @param target {@code namespace/Kind/name}, or {@code (unreadable request)}
   * @param outcome {@code allowed}, {@code allowed-with-findings}, {@code denied} or {@code patched}
   * @param reason what was decided, for whom, and why, on one line
   */
  public record Answer(Webhook.Reply reply, String stage, String target, String outcome, String reason) {
    /** The violations found (none for a pin, a pass or an unreadable request). */
    public List<Violation> violations() {
      return reply.result() instanceof Webhook.Result.Decided d ? d.outcome().violations() : List.of();
    }

    /** Why a reply that is not 200 is not a review answer. */
    public String error() {
      try {
        return JSON.readTree(reply.json()).path("error").asText("not an AdmissionReview");
      } catch (IOException e) {
        return "not an AdmissionReview";
      }
    }
  }

  /** The largest body {@link #handle} reads. */
  public long maxBody() {
    return config.maxRequestBytes();
  }

  /** Refuses a path stage without admission settings, before any body is read. */
  public void requireStage(Optional<String> pathStage) throws UnknownStage {
    if (pathStage.isPresent() && !config.stages().containsKey(pathStage.get())) {
      throw new UnknownStage(pathStage.get());
    }
  }

  /**
   * Answers one AdmissionReview body; never throws for what the body holds.
   *
   * @param pathStage the stage the webhook's path names; empty: chosen by the request's namespace
   * @throws UnknownStage when {@code pathStage} has no admission settings
   */
  public Answer handle(byte[] body, boolean mutating, Optional<String> pathStage) throws UnknownStage {
    requireStage(pathStage);
    String[] chosen = {""};
    Webhook.Reply reply = mutating ? webhook.mutate(body, req -> chosen(req, pathStage, chosen))
        : webhook.validate(body, req -> chosen(req, pathStage, chosen));
    Optional<Webhook.Request> req = reply.request();
    String target = req.map(q -> (q.namespace().isEmpty() ? "" : q.namespace() + "/") + q.kind() + "/" + (q.name().isEmpty() ? "(generated)" : q.name()))
        .orElse("(unreadable request)");
    String who = req.map(q -> " for " + (q.userName().isEmpty() ? "(unknown user)" : q.userName()) + ", " + q.operation()
        + (q.dryRun() ? " (dry run)" : "")).orElse("");
    String stageText = chosen[0].isEmpty() ? "" : " at " + chosen[0];
    String verb = mutating ? "mutate" : "validate";
    return switch (reply.result()) {
      case Webhook.Result.Decided d -> new Answer(reply, chosen[0], target,
          d.outcome() instanceof Outcome.Refuse ? "denied" : d.outcome().violations().isEmpty() ? "allowed" : "allowed-with-findings",
          verb + stageText + who + ": " + describe(d.outcome()));
      case Webhook.Result.Pinned p -> new Answer(reply, chosen[0], target, "patched", "mutate" + stageText + who + ": "
          + (p.pins().isEmpty() ? "nothing to pin" : p.pins().stream().map(x -> x.container() + " " + x.image() + " → " + x.pinned())
              .collect(Collectors.joining("; ")))
          + (p.unresolved().isEmpty() ? "" : "; unknown tags left as they are: " + String.join(", ", p.unresolved())));
      case Webhook.Result.Passed p -> new Answer(reply, chosen[0], target, "allowed", verb + stageText + who + ": not checked, " + p.reason());
      case Webhook.Result.Rejected x -> new Answer(reply, chosen[0], target, "denied", verb + stageText + who + ": refused, " + x.reason());
    };
  }

  /** The policy for a request: the path's stage, else the namespace's mapping, else the default; ignored namespaces get none. */
  private StagePolicy chosen(Webhook.Request req, Optional<String> pathStage, String[] chosen) {
    if (config.ignoredNamespaces().contains(req.namespace())) {
      chosen[0] = "";
      return UNCHECKED;
    }
    Optional<String> stage = pathStage.or(() -> Optional.ofNullable(config.namespaces().get(req.namespace()))).or(config::defaultStage);
    chosen[0] = stage.orElse("");
    return stage.map(s -> config.stages().get(s)).orElse(UNCHECKED);
  }

  /** An outcome on one line: {@code allowed}, {@code allowed with V; V} or {@code denied: V; V}. */
  public static String describe(Outcome o) {
    String violations = o.violations().stream().map(Violation::line).collect(Collectors.joining("; "));
    return switch (o) {
      case Outcome.Refuse f -> "denied: " + violations;
      case Outcome.Admit a -> a.violations().isEmpty() ? "allowed" : "allowed with " + violations;
    };
  }
}
