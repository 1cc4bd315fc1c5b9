package dev.portcullis.cli;

import dev.portcullis.core.Digest;
import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.Provenances;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.Scanner;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.NoiseControl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The gate's decision on one image (or a saved risk report) at one stage, from plain values: what
 * {@code gate} prints and {@code attest --type verdict} signs.
 *
 * @param source the image source as the user wrote it
 * @param report a saved risk report to decide on instead of scanning
 * @param saveReport where to write the risk report before exceptions
 * @param db the vulnerability database (null: the default one)
 * @param trusted keys that check the image's signatures and attestations, beside the policy's own
 * @param includeDev whether lock files' development dependencies are matched too
 */
record Verdict(String source, String stage, @Nullable Path policy, @Nullable Path exceptions, @Nullable Path report,
    @Nullable Path saveReport, @Nullable Path db, Instant now, CelLimits limits, List<PublicKey> trusted, boolean includeDev) {

  /** How the image is read: {@code read} and {@code cache} as the common options give them; problems of a policy go to {@code stderr}. */
  Gate.Result evaluate(ReadOptions read, @Nullable LayerCache cache, PrintStream stderr) throws IOException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    PolicyFile policies = new PolicyFile(new RuleCompiler(limits));
    Policy chosen;
    if (policy == null) {
      chosen = policies.defaultPolicy();
    } else {
      switch (policies.load(policy)) {
        case PolicyFile.Valid v -> chosen = v.policy();
        case PolicyFile.Invalid i -> {
          i.problems().forEach(p -> stderr.println(TerminalText.escape(p.display())));
          throw new Main.CommandFailure(i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in the policy " + policy);
        }
      }
    }
    if (chosen.stage(stage).isEmpty()) {
      throw new IllegalArgumentException("policy " + chosen.name() + " has no stage " + stage + " (" + String.join(", ", chosen.stageNames()) + ")");
    }
    ExceptionFile.Loaded loaded = exceptions == null ? ExceptionFile.Loaded.NONE : ExceptionFile.read(exceptions);
    RiskReport risk = report != null ? RiskReportJson.read(report.toString(), Files.readString(report, StandardCharsets.UTF_8)) : scan(read, cache);
    Set<PublicKey> keys = new LinkedHashSet<>(trusted);
    chosen.stage(stage).orElseThrow().attestations().forEach(a -> keys.addAll(a.keys()));
    if (report == null && !keys.isEmpty() && ImageSource.parse(source) instanceof ImageSource.Remote remote) {
      try (RegistryClient client = RegistryClient.create(read.registry(), read.listener())) {
        risk = risk.withProvenance(Provenances.of(client, remote.ref().withDigest(Digest.parse(risk.image().digest())), List.copyOf(keys),
            read.listener()));
      }
    }
    if (saveReport != null) {
      Files.writeString(saveReport, RiskReportJson.write(risk), StandardCharsets.UTF_8);
    }
    return Gate.evaluate(chosen, stage, risk, loaded, today);
  }

  /** Every scanner, nothing suppressed: the score sees the whole image. */
  private RiskReport scan(ReadOptions read, @Nullable LayerCache cache) throws IOException {
    try (Database database = Database.deferred(db == null ? Database.defaultLocation() : db)) {
      ScanOptions options = ScanOptions.all(database).withCache(cache).withRead(read)
          .withNoise(NoiseControl.none(LocalDate.now(ZoneOffset.UTC))).withIncludeDev(includeDev);
      Assessment assessment = new Scanner(options).scan(ImageSource.parse(source));
      assessment.warnings().forEach(w -> read.listener().warn(w));
      return assessment.risk();
    }
  }
}
