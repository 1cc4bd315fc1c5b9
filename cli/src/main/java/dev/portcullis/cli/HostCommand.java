package dev.portcullis.cli;

import dev.portcullis.core.Severity;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.check.CheckCatalog;
import dev.portcullis.host.check.HostChecker;
import dev.portcullis.host.containers.ContainerSource;
import dev.portcullis.host.containers.ContainerTests;
import dev.portcullis.host.containers.DockerContainers;
import dev.portcullis.host.containers.PodmanContainers;
import dev.portcullis.host.output.HostReportWriter;
import dev.portcullis.host.root.Root;
import dev.portcullis.rules.secrets.Allowlist;
import dev.portcullis.admission.remote.ServerEvidence;
import java.io.IOException;
import java.net.URI;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis host [ROOT]}: CIS-style checks of a container host, live or offline, with a score. */
@Command(name = "host", mixinStandardHelpOptions = true,
    description = "Check a container host (Docker, podman, kubelet, Linux) against CIS-style benchmarks: live on / or offline on a copy "
        + "of a host's file system; --format table|json|sarif|junit.",
    footer = {"",
        "ROOT is / (the default: this machine, live: processes, /proc/sys, mounts and running containers are read) or a directory",
        "holding a host's file system (offline: every path stays inside it, symlinks are never followed out of it, and the",
        "checks that need a live host are reported not applicable). A profile whose software is not installed is reported",
        "not applicable with the reason. Statuses: PASS, FAIL, N/A, MANUAL (for a person to judge) and ERROR (a file that",
        "could not be used, with the reason). The score (docs/host-score.md) counts errors as failures and never counts",
        "not-applicable or manual checks. --fail-on SEVERITY exits with --exit-code when a failed or errored check at or",
        "above it is not allowed by the allowlist (entries with rule: ID and a reason)."})
final class HostCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROOT", description = "/ (live, the default) or a directory with a host's file system.")
  String root = "/";

  @Option(names = "--profile", paramLabel = "PROFILE", split = ",",
      description = "docker, podman, kubelet, linux or all (the default). Repeatable.")
  List<String> profiles = List.of("all");

  @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json, sarif or junit.", defaultValue = "table")
  String format = "table";

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here (atomically) instead of stdout.")
  @Nullable Path output;

  @Option(names = "--user-home", paramLabel = "DIR",
      description = "A rootless podman user's home, as a path on the host: their containers.conf layers over the system's "
          + "(default live: $HOME when not run as root).")
  @Nullable String userHome;

  @Option(names = "--server", paramLabel = "URL",
      description = "Also send the whole report to a Portcullis server (POST /v1/hosts/NAME/reports), which scores it again and keeps it.")
  @Nullable URI server;

  @Option(names = "--token-file", paramLabel = "FILE", description = "With --server: an API token (role agent or operator over **).")
  @Nullable Path tokenFile;

  @Option(names = "--server-ca", paramLabel = "FILE", description = "With --server: PEM certificates to trust for its TLS instead of the JDK's.")
  @Nullable Path serverCa;

  @Option(names = "--host-name", paramLabel = "NAME",
      description = "With --server: the host's name there (default: this machine's host name live, the directory's name offline).")
  @Nullable String hostName;

  @Mixin ThresholdOptions threshold;

  @Mixin AllowlistOption allowlist;

  @Mixin SkipChecksOption skipChecks;

  @Override
  public Integer call() throws IOException {
    Main main = Main.of(spec);
    PrintStream stdout = main.out;
    HostReportWriter.Format as = HostReportWriter.Format.parse(format);
    Severity shownFrom = threshold.shownFrom(Severity.LOW);
    Severity fail = threshold.failOn();
    int exitCode = threshold.exitCode();
    Set<Profile> selected = profiles();
    CheckCatalog catalog = CheckCatalog.builtIn(ContainerTests::named);
    Set<String> skip = skipped(catalog);
    Root host = root.equals("/") ? Root.live() : offline(root);
    Allowlist allowed = allowlist.resolve("host:" + root);
    if (userHome != null && !userHome.startsWith("/")) {
      throw new IllegalArgumentException("--user-home " + userHome + ": a path on the host, starting with /");
    }
    HostChecker.Options options = HostChecker.Options.all().withProfiles(selected).withSkip(skip).withContainers(containerSources(host, main.env))
        .withUserHome(Optional.ofNullable(userHome).or(() -> rootlessHome(host, main.env))).withEnv(host.isLive() ? main.env : java.util.Map.of());
    Optional<Upload> upload = upload(host);
    HostReport full = new HostChecker(catalog, options).check(host);
    List<CheckResult> annotated = new ArrayList<>();
    for (CheckResult r : full.results()) {
      Optional<String> reason = allowedBy(allowed, r, java.time.LocalDate.now(java.time.ZoneOffset.UTC), main.err);
      annotated.add(reason.isPresent() && r.status() == Status.FAIL ? r.allow(reason.get()) : r);
    }
    List<CheckResult> shown = annotated.stream().filter(r -> r.check().severity().compareTo(shownFrom) >= 0).toList();
    HostReport report = new HostReport(full.root(), full.live(), full.profiles(), shown, full.score());
    String text = HostReportWriter.write(report, as, Main.Version.number());
    if (output == null) {
      stdout.print(text);
    } else {
      AtomicWrite.write(output, text.getBytes(StandardCharsets.UTF_8));
    }
    if (upload.isPresent()) {
      // the server scores the report again from its results, so it gets all of them, whatever --severity showed
      HostReport whole = new HostReport(full.root(), full.live(), full.profiles(), annotated, full.score());
      upload.get().send(HostReportWriter.write(whole, HostReportWriter.Format.JSON, Main.Version.number()), main.err);
    }
    boolean tripped = fail != null && report.results().stream().anyMatch(r -> (r.status() == Status.FAIL && r.allowed().isEmpty()
        || r.status() == Status.ERROR) && r.check().severity().compareTo(fail) >= 0);
    return tripped ? exitCode : 0;
  }

  /** Where the report goes besides the output, checked before the host is: a bad option costs no run. */
  private record Upload(URI server, String host, String token, Optional<Path> ca) {
    void send(String json, PrintStream err) throws IOException {
      String path = "/v1/hosts/" + host + "/reports";
      try (ServerEvidence client = new ServerEvidence(server, token, ca, java.time.Duration.ofSeconds(10), java.time.Clock.systemUTC())) {
        String answer = client.post(path, json, java.time.Duration.ofSeconds(30));
        com.fasterxml.jackson.databind.JsonNode kept = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer);
        err.println("portcullis: sent the report of " + host + " to " + server + " (score " + kept.path("score").asText("none") + ")");
      } catch (IOException e) {
        throw new IOException("send the host report of " + host + " to " + server + ": " + e.getMessage().lines().findFirst().orElse(""), e);
      }
    }
  }

  private Optional<Upload> upload(Root host) throws IOException {
    if (server == null) {
      if (tokenFile != null || serverCa != null || hostName != null) {
        throw new IllegalArgumentException("--token-file, --server-ca and --host-name go with --server");
      }
      return Optional.empty();
    }
    if (tokenFile == null) {
      throw new IllegalArgumentException("--server " + server + " needs --token-file (an API token of role agent or operator)");
    }
    String name = hostName != null ? hostName : host.isLive() ? localHostName() : Path.of(root).toAbsolutePath().normalize().getFileName() + "";
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}")) {
      throw new IllegalArgumentException("host name '" + name + "': letters, digits, dots, hyphens and underscores, at most 253 (--host-name)");
    }
    return Optional.of(new Upload(server, name, ServerEvidence.readToken(tokenFile), Optional.ofNullable(serverCa)));
  }

  private static String localHostName() throws IOException {
    Path etc = Path.of("/etc/hostname");
    if (Files.isRegularFile(etc) && Files.size(etc) < 300) {
      String name = Files.readString(etc, StandardCharsets.UTF_8).strip();
      if (!name.isEmpty()) {
        return name;
      }
    }
    return java.net.InetAddress.getLocalHost().getHostName();
  }

  private Set<Profile> profiles() {
    Set<Profile> out = EnumSet.noneOf(Profile.class);
    for (String p : profiles) {
      if (p.strip().equalsIgnoreCase("all")) {
        out.addAll(EnumSet.allOf(Profile.class));
      } else {
        out.add(Profile.parse(p).orElseThrow(() -> new IllegalArgumentException("--profile " + p + ": not a profile (docker, podman, kubelet, linux, all)")));
      }
    }
    return out;
  }

  /** {@code --skip-check} IDs, each one a host check. */
  private Set<String> skipped(CheckCatalog catalog) {
    Set<String> out = new TreeSet<>();
    for (String id : skipChecks.ids) {
      String i = id.strip().toUpperCase(Locale.ROOT);
      if (catalog.get(i).isEmpty()) {
        throw new IllegalArgumentException("--skip-check " + id + ": no such host check (" + catalog.all().size() + " checks: "
            + catalog.all().get(0).id() + " ... " + catalog.all().get(catalog.all().size() - 1).id() + ")");
      }
      out.add(i);
    }
    return out;
  }

  private static Root offline(String dir) throws IOException {
    try {
      return Root.offline(Path.of(dir));
    } catch (IOException e) {
      throw new IOException("host " + dir + ": " + (Files.exists(Path.of(dir)) ? "not a directory" : "no such directory"), e);
    }
  }

  /** Live and not root: podman runs rootless for this user, whose containers.conf layers over the system's. */
  private static Optional<String> rootlessHome(Root host, java.util.Map<String, String> env) {
    String home = env.get("HOME");
    boolean root = "root".equals(System.getProperty("user.name"));
    return host.isLive() && !root && home != null && home.startsWith("/") ? Optional.of(home) : Optional.empty();
  }

  /**
   * The container engines a live host has: podman when it is on the PATH, Docker when its socket
   * ({@code DOCKER_HOST=unix://...}, else {@code /var/run/docker.sock}) exists; none offline.
   */
  private List<ContainerSource> containerSources(Root host, java.util.Map<String, String> env) {
    if (!host.isLive()) {
      return List.of();
    }
    List<ContainerSource> out = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    if (java.util.Arrays.stream(path.split(":")).filter(d -> !d.isEmpty()).anyMatch(d -> Files.isExecutable(Path.of(d, "podman")))) {
      out.add(PodmanContainers.onPath());
    }
    String dockerHost = env.getOrDefault("DOCKER_HOST", "");
    Path socket = dockerHost.startsWith("unix://") ? Path.of(dockerHost.substring("unix://".length())) : DockerContainers.DEFAULT_SOCKET;
    if (Files.exists(socket)) {
      out.add(new DockerContainers(socket));
    }
    return out;
  }

  /**
   * The reason of the first unexpired allowlist entry that names this check by {@code rule} and
   * names no path or fingerprint (those describe files and secrets, which a host check is not); an
   * expired one that would have allowed a failure is said on stderr.
   */
  private static Optional<String> allowedBy(Allowlist allowlist, CheckResult r, java.time.LocalDate today, PrintStream err) {
    HostCheck c = r.check();
    List<Allowlist.Entry> naming = allowlist.entries().stream()
        .filter(e -> e.rule().map(c.id()::equals).orElse(false) && e.path().isEmpty() && e.fingerprint().isEmpty()).toList();
    Optional<Allowlist.Entry> active = naming.stream().filter(e -> !e.expiredOn(today)).findFirst();
    if (active.isEmpty() && r.status() == Status.FAIL) {
      naming.stream().findFirst().ifPresent(e -> err.println("portcullis: the allowlist entry for " + c.id() + " expired on "
          + e.expires().orElseThrow() + "; the failure counts again"));
    }
    return active.map(Allowlist.Entry::reason);
  }
}
