package dev.portcullis.cli;

import dev.portcullis.core.Severity;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.ScanType;
import dev.portcullis.scan.Scanner;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.secrets.Allowlist;
import dev.portcullis.rules.secrets.SecretChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code portcullis secrets PATH|SOURCE}: embedded credentials in files on disk or anywhere in an image. */
@Command(name = "secrets", mixinStandardHelpOptions = true,
    description = "Find embedded credentials (the PCS-SECRET checks of portcullis rules list) in files and directories, or in an image; "
        + "--format table|json|sarif. A secret is never shown whole: its first 4 characters and a fingerprint.",
    footer = {"",
        "TARGET is a file or a directory (walked without following links, hidden files included), or an image source",
        "(oci-dir:, oci-archive:, docker-archive:, registry:, containers-storage:, docker:, a layout directory, a .tar archive, or a reference).",
        "An image is searched whole: env, labels, entrypoint, cmd, history and every text file of every layer,",
        "including files a later layer deleted, each reported with the layer that added it.",
        "Binary files and files over 2 MiB are skipped, each skip reported as a problem."})
final class SecretsCommand extends ImageCommand.Base {
  @Mixin ThresholdOptions threshold;

  @Mixin AllowlistOption allowlist;


  @Mixin SkipChecksOption skipChecks;

  @Override
  Set<CommonOptions.Format> formats() {
    return EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON, CommonOptions.Format.SARIF);
  }

  @Override
  int run() throws IOException {
    Severity min = threshold.shownFrom(Severity.LOW);
    Severity fail = threshold.failOn();
    int exitCode = threshold.exitCode();
    if (source.startsWith("dir:")) {
      source = source.substring("dir:".length()); // a directory: its files, walked as a path is
    }
    Allowlist allowed = allowlist.resolve(source);
    Set<String> skipped = skipChecks.ids();
    Report report;
    if (isImage()) {
      ScanOptions options = ScanOptions.rules(EnumSet.of(ScanType.SECRET))
          .withChecks(Checks.all().stream().filter(c -> !skipped.contains(c.info().id())).toList()).withCache(common.cache())
          .withRead(common.readOptions(stderr, Main.of(spec).in));
      Assessment assessment = new Scanner(options).scan(ImageSource.parse(source));
      report = assessment.checks().orElseThrow();
      assessment.warnings().forEach(w -> common.listener(stderr).warn(w));
    } else {
      List<Check<?>> checks = SecretChecks.all().stream().filter(c -> !skipped.contains(c.info().id())).toList();
      Contents contents = Contents.ofPaths(source, List.of(Path.of(source)), SecretChecks.interest(), ReadLimits.DEFAULT);
      report = new Engine(checks).evaluate(contents);
    }
    Report shown = allowed.apply(report).atLeast(min);
    return CheckOutput.write(shown, common.format, stdout, fail, exitCode);
  }

  /** Whether TARGET names an image rather than files: a source prefix, a layout directory, an archive, or a name that is no path. */
  private boolean isImage() throws IOException {
    if (source.matches("(oci-dir|oci|oci-archive|docker-archive|registry|docker|containers-storage):.*")) {
      return true;
    }
    Path p = Path.of(source);
    if (Files.isDirectory(p)) {
      return Files.isRegularFile(p.resolve("oci-layout")) || Files.isRegularFile(p.resolve("index.json"));
    }
    if (Files.isRegularFile(p)) {
      return source.toLowerCase(Locale.ROOT).matches(".*\\.(tar|tar\\.gz|tgz)");
    }
    if (source.startsWith("/") || source.startsWith("./") || source.startsWith("../") || source.startsWith("~") || !source.contains("/") && source.contains(".")
        && !source.contains(":")) {
      throw new IOException("read " + source + ": no such file or directory");
    }
    return true; // a registry reference
  }
}
