package dev.portcullis.cli;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.Reason;
import dev.portcullis.scan.DecisionWriter;
import dev.portcullis.sign.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis gate SOURCE --stage STAGE}: scan (or read a saved report), score, apply exceptions, and decide. */
@Command(name = "gate", mixinStandardHelpOptions = true,
    description = "Scan an image for vulnerabilities, misconfigurations, secrets and debug leftovers (or read a saved risk report), score it, "
        + "apply exceptions and decide allow, warn or deny for a stage of a policy (the built-in dev/test/prod one by default). "
        + "SOURCE may be dir:PATH, a directory: scored without image-config facts (no user, no labels), named 'directory PATH' where a digest would be.",
    footer = {"", "Exit codes: 0 allow or warn (warnings on stderr; --warn-as-error makes them 1), 1 deny, 2 and above errors.",
        "With --report, SOURCE is not read: the saved report names the image. docs/policy.md describes policies and exceptions."})
final class GateCommand extends ImageCommand.Base {
  static final int ERROR = 2;

  @Option(names = "--stage", required = true, paramLabel = "STAGE", description = "The stage to decide for (dev, test, prod with the built-in policy).")
  String stage;

  @Option(names = "--policy", paramLabel = "FILE", description = "A policy file (default: the built-in policy).")
  @Nullable Path policy;

  @Option(names = "--exceptions", paramLabel = "FILE", description = "An exceptions file.")
  @Nullable Path exceptions;

  @Option(names = "--report", paramLabel = "SAVED.json", description = "Decide on a saved risk report instead of scanning.")
  @Nullable Path report;

  @Option(names = "--save-report", paramLabel = "FILE", description = "Write the risk report (before exceptions) to FILE.")
  @Nullable Path saveReport;

  @Option(names = "--db", paramLabel = "FILE", description = "The vulnerability database (default: ~/.cache/portcullis/db).")
  @Nullable Path db;

  @Option(names = "--trust", paramLabel = "FILE", description = "A trust policy: its keys check the image's signatures and attestations "
      + "(an image in a registry only; the policy's attestation requirements add their own keys).")
  @Nullable Path trust;

  @Option(names = "--warn-as-error", description = "Exit 1 on warn as well as on deny.")
  boolean warnAsError;

  @Option(names = "--at", hidden = true, paramLabel = "INSTANT", description = "Decide as of this time (tests).")
  @Nullable Instant at;

  @Mixin CelLimitsOptions cel = new CelLimitsOptions();

  @Mixin IncludeDevOption devDependencies = new IncludeDevOption();

  @Override
  int run() {
    try {
      return decide();
    } catch (IOException | IllegalArgumentException | Main.CommandFailure e) {
      return failed(e, ERROR);
    }
  }

  private int decide() throws IOException {
    Instant now = at != null ? at : Instant.now();
    Verdict verdict = new Verdict(source, stage, policy, exceptions, report, saveReport, db, now, cel.limits(),
        trust == null ? List.of() : TrustPolicy.load(trust).keys(), devDependencies.includeDev);
    Gate.Result result = verdict.evaluate(common.readOptions(stderr, Main.of(spec).in), common.cache(), stderr);
    var listener = common.listener(stderr);
    for (ExceptionFile.Refused r : result.refused()) {
      listener.warn("exception " + r.name() + " refused: " + r.reason());
    }
    for (PolicyException e : result.expired()) {
      listener.warn("exception " + e.name() + " expired on " + e.expires() + " and no longer applies (" + e.scope() + ")");
    }
    if (common.format == CommonOptions.Format.JSON) {
      json(DecisionWriter.document(result, now, Main.Version.number()));
    } else {
      stdout.print(DecisionWriter.text(result));
    }
    if (result.decision() instanceof Decision.Warn w) {
      for (Reason r : w.warnings()) {
        listener.warn(r.rule() + ": " + r.message());
      }
    }
    return switch (result.decision()) {
      case Decision.Allow a -> 0;
      case Decision.Warn w -> warnAsError ? Main.FAILED : 0;
      case Decision.Deny d -> Main.FAILED;
    };
  }
}
