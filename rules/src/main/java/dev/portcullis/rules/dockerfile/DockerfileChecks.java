package dev.portcullis.rules.dockerfile;

import static dev.portcullis.core.Reference.cisDocker;
import static dev.portcullis.core.Reference.cwe;
import static dev.portcullis.core.Reference.docker;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
import dev.portcullis.rules.Redaction;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code PCS-DF} checks, listed once. */
public final class DockerfileChecks {
  private DockerfileChecks() {}

  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern PIP = Pattern.compile("pip[0-9.]*");
  private static final Pattern TRUSTED_HOST = Pattern.compile("(\\w+\\.)?trusted-host");
  private static final Pattern GIT_SSL_VERIFY = Pattern.compile("(?i)http\\.(.*\\.)?sslverify");
  private static final Pattern STRICT_SSL = Pattern.compile("strict-ssl");
  private static final Pattern GIT_SSL_OFF = Pattern.compile("(?i)http\\.(.*\\.)?sslverify=(false|no|off|0)");
  private static final Pattern YUM_LIKE = Pattern.compile("yum|dnf|microdnf|tdnf|yum-config-manager");
  private static final Pattern YUM_SSL_OFF = Pattern.compile("(?i)(.*\\.)?sslverify=(0|false|no|off)");
  private static final Pattern APT_LIKE = Pattern.compile("apt-get|apt|aptitude");
  private static final Pattern APT_UNAUTHENTICATED = Pattern.compile("(?i)(APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories)=(true|1|yes)");
  private static final Pattern YUM_GPG_OFF = Pattern.compile("(?i)(.*\\.)?(gpgcheck|repo_gpgcheck|localpkg_gpgcheck)=(0|false|no|off)");
  private static final Pattern SHELL_OR_INTERPRETER = Pattern.compile("(ba|da|z|k|a)?sh|python[0-9.]*|perl|ruby|node");
  private static final Pattern NO_RECOMMENDS = Pattern.compile("(?i)APT::Install-Recommends=(false|0|no)");
  private static final Pattern PINNED = Pattern.compile(".*(==|>=|<=|~=|@).*");
  private static final Pattern SLASH_AND_REST = Pattern.compile("/.*");
  private static final Pattern OCTAL_WORLD_WRITABLE = Pattern.compile("0?[0-7]?[0-7][0-7][2367]");
  private static final Pattern SYMBOLIC_WRITABLE = Pattern.compile("([ugo]*[ao][ugo]*|)\\+[rwxXst]*w[rwxXst]*");
  private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("[A-Za-z]:[\\\\/].*");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern PROTOCOL_SUFFIX = Pattern.compile("(?i)/(tcp|udp|sctp)$");
  private static final Pattern PORT_NUMBER = Pattern.compile("[0-9]{1,5}");
  private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(://)[^/@\\s]+@");
  private static final Pattern SENSITIVE_SOURCE = Pattern.compile(
      "(?i)(^|.*/)(\\.ssh|id_(rsa|dsa|ecdsa|ed25519)|\\.env(\\.[^/]+)?|\\.git|\\.git-credentials|\\.aws|\\.npmrc|\\.pypirc|\\.netrc|\\.docker|\\.kube|kubeconfig"
          + "|\\.htpasswd|credentials(\\.json)?|[^/]+\\.(pem|key|p12|pfx|jks|keystore))/?$");
  private static final Pattern ARCHIVE = Pattern.compile("(?i).*\\.(tar|tar\\.(gz|bz2|xz|zst)|tgz|tbz2?|txz)$");
  private static final Pattern URL = Pattern.compile("(?i)(https?|ftp)://.*");
  private static final Pattern GIT_URL = Pattern.compile("(?i)(git@.*|.*\\.git(#.*)?)");
  private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[^}]*}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@");

  /** Reports the hits in a Dockerfile, each at the lines of an instruction. */
  private interface Rule extends Hits.Rule<Dockerfile, Instruction> {}

  private static Check<Dockerfile> check(String id, Severity severity, String title, String rationale, String remediation, List<Reference> refs,
      Rule rule) {
    return Hits.check(new CheckInfo(id, severity, title, rationale, remediation, refs), Dockerfile.class,
        (df, at) -> new FindingLocation.InFile(df.name(), at.line(), at.endLine(), 0), rule);
  }

  /** Each command of each {@code RUN}, with the instruction it belongs to. */
  private interface CommandRule {
    void apply(Instruction run, ShellScript.Command command, Hits<Dockerfile, Instruction> hits);
  }

  private static Rule eachCommand(CommandRule rule) {
    return (df, hits) -> {
      for (Instruction in : df.instructions()) {
        if (in.keyword().equals("RUN")) {
          for (ShellScript.Command c : df.shell(in).commands()) {
            rule.apply(in, c, hits);
          }
        }
      }
    };
  }

  private static boolean installs(ShellScript.Command c, String program, String... subcommands) {
    return c.program().equals(program) && List.of(subcommands).contains(c.subcommand());
  }

  private static boolean isPackageManagerUpdate(ShellScript.Command c) {
    return installs(c, "apt-get", "update") || installs(c, "apt", "update") || installs(c, "apk", "update")
        || installs(c, "yum", "makecache") || installs(c, "dnf", "makecache") || installs(c, "zypper", "refresh", "ref");
  }

  /** A command that installs or upgrades packages, with any of the package managers the update rule knows. */
  private static boolean isPackageInstall(ShellScript.Command c) {
    return installs(c, "apt-get", "install", "upgrade", "dist-upgrade", "build-dep", "reinstall") || installs(c, "apt", "install", "upgrade", "full-upgrade", "reinstall")
        || installs(c, "apk", "add", "upgrade") || isRpmInstall(c, "yum") || isRpmInstall(c, "dnf") || isRpmInstall(c, "zypper");
  }

  /** {@code pm} installs, upgrades or patches packages (yum, dnf, microdnf, zypper spellings). */
  private static boolean isRpmInstall(ShellScript.Command c, String pm) {
    return pm.equals("zypper")
        ? installs(c, pm, "install", "in", "update", "up", "patch", "dist-upgrade", "dup", "source-install", "si")
        : installs(c, pm, "install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "update-minimal", "upgrade-minimal", "group");
  }

  /** {@code pm}'s command that empties its whole cache: {@code yum clean all}, {@code zypper clean}, or an rm of its cache directory. */
  private static boolean isRpmClean(ShellScript.Command c, String pm) {
    if (c.program().equals("rm")) {
      List<String> dirs = pm.equals("zypper") ? List.of("/var/cache/zypp") : pm.equals("yum") ? List.of("/var/cache/yum") : List.of("/var/cache/dnf", "/var/cache/yum");
      return c.effective().stream().anyMatch(w -> dirs.stream().anyMatch(w::startsWith));
    }
    if (pm.equals("zypper")) {
      return installs(c, pm, "clean", "cc");
    }
    return installs(c, pm, "clean") && c.operands().contains("all");
  }

  private static final Pattern OFF = Pattern.compile("(?i)0|false|no|off");

  /**
   * What turns off TLS certificate checks when set in the environment, by variable: {@code NODE_TLS_REJECT_UNAUTHORIZED=0};
   * git and pip need only the variable to be set.
   */
  private static Optional<String> tlsOffByVariable(String name, @org.jspecify.annotations.Nullable String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    String n = name.toUpperCase(java.util.Locale.ROOT);
    boolean off = switch (n) {
      case "PYTHONHTTPSVERIFY", "NODE_TLS_REJECT_UNAUTHORIZED" -> value.equals("0");
      case "NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "GIT_SSLVERIFY" -> OFF.matcher(value).matches();
      case "GIT_SSL_NO_VERIFY", "PIP_TRUSTED_HOST" -> true;
      default -> false;
    };
    return off ? Optional.of(name + "=" + value) : Optional.empty();
  }

  /** How a command turns off TLS certificate checks, if it does: the option or setting, as the message names it. */
  private static Optional<String> tlsOffByCommand(ShellScript.Command c) {
    String p = c.program();
    List<String> ops = c.operands();
    if (p.equals("curl") && (c.has("-k") || c.has("--insecure"))) {
      return Optional.of("curl " + (c.has("--insecure") ? "--insecure" : "-k"));
    }
    if (p.equals("wget") && c.has("--no-check-certificate")) {
      return Optional.of("wget --no-check-certificate");
    }
    if (PIP.matcher(p).matches() && c.has("--trusted-host")) {
      return Optional.of(p + " --trusted-host");
    }
    if (PIP.matcher(p).matches() && c.subcommand().equals("config") && ops.size() >= 2 && ops.get(0).equals("set") && TRUSTED_HOST.matcher(ops.get(1)).matches()) {
      return Optional.of(p + " config set " + ops.get(1));
    }
    if (p.equals("git") && (c.values("-c").stream().anyMatch(v -> GIT_SSL_OFF.matcher(v).matches())
        || c.subcommand().equals("config") && settingOff(ops, GIT_SSL_VERIFY))) {
      return Optional.of("git http.sslVerify false");
    }
    if ((p.equals("npm") || p.equals("yarn") || p.equals("pnpm"))
        && (c.subcommand().equals("config") && !ops.isEmpty() && ops.get(0).equals("set") && settingOff(ops.subList(1, ops.size()), STRICT_SSL)
            || c.subcommand().equals("set") && settingOff(ops, STRICT_SSL)
            || c.values("--strict-ssl").stream().anyMatch(v -> OFF.matcher(v).matches()) || c.has("--no-strict-ssl"))) {
      return Optional.of(p + " strict-ssl false");
    }
    if (YUM_LIKE.matcher(p).matches() && c.values("--setopt").stream().anyMatch(v -> YUM_SSL_OFF.matcher(v).matches())) {
      return Optional.of(p + " --setopt=sslverify=false");
    }
    return Optional.empty();
  }

  /** {@code key false} or {@code key=false} at the start of {@code words}, the key matching {@code key}. */
  private static boolean settingOff(List<String> words, Pattern key) {
    if (words.isEmpty()) {
      return false;
    }
    String first = words.get(0);
    int eq = first.indexOf('=');
    if (eq > 0) {
      return key.matcher(first.substring(0, eq)).matches() && OFF.matcher(first.substring(eq + 1)).matches();
    }
    return key.matcher(first).matches() && words.size() > 1 && OFF.matcher(words.get(1)).matches();
  }

  /** How a command installs packages without checking their signatures, if it does. */
  private static Optional<String> signatureBypass(ShellScript.Command c) {
    String p = c.program();
    List<String> options = switch (p) {
      case "apk" -> List.of("--allow-untrusted");
      case "apt-get", "apt", "aptitude" -> List.of("--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories");
      case "yum", "dnf", "microdnf", "tdnf", "yum-config-manager" -> List.of("--nogpgcheck");
      case "rpm" -> List.of("--nosignature");
      case "zypper" -> List.of("--no-gpg-checks");
      default -> List.of();
    };
    List<String> found = new java.util.ArrayList<>(options.stream().filter(c::has).toList());
    if (APT_LIKE.matcher(p).matches()) {
      c.values("-o").stream().filter(v -> APT_UNAUTHENTICATED.matcher(v).matches())
          .forEach(v -> found.add("-o " + v));
    }
    if (YUM_LIKE.matcher(p).matches()) {
      c.values("--setopt").stream().filter(v -> YUM_GPG_OFF.matcher(v).matches())
          .forEach(v -> found.add("--setopt=" + v));
    }
    return found.isEmpty() ? Optional.empty() : Optional.of(p + " " + String.join(" ", found));
  }

  private static Optional<Stage> last(Dockerfile df) {
    return df.finalStage();
  }

  /** {@code image[:tag][@digest]}: the tag, empty when there is none. */
  static String tag(String image) {
    String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String lastPart = noDigest.substring(noDigest.lastIndexOf('/') + 1);
    int colon = lastPart.indexOf(':');
    return colon < 0 ? "" : lastPart.substring(colon + 1);
  }

  /** Sources and destination of a COPY or ADD: the last word is the destination. */
  private static List<String> sources(Instruction in) {
    List<String> w = in.words();
    return w.size() < 2 ? List.of() : w.subList(0, w.size() - 1);
  }

  private static boolean isRootUser(String user) {
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    return name.equals("root") || name.equals("0");
  }

  public static List<Check<?>> all() {
    return List.of(
        check("PCS-DF-001", Severity.HIGH, "Final stage sets no USER",
            "Without a USER instruction the container runs as root unless the base image says otherwise, so any compromise of the process is a compromise of root inside the container.",
            "Create an unprivileged account (or use a numeric UID) and add USER with it before CMD/ENTRYPOINT in the final stage.",
            List.of(cisDocker("4.1")),
            (df, hits) -> last(df).ifPresent(s -> {
              if (s.all("USER").isEmpty() && s.baseStage().map(b -> df.stages().get(b).all("USER").isEmpty()).orElse(true)) {
                hits.add(s.from(), "the final stage (FROM " + s.base() + ") never sets USER, so it runs as the base image's user, usually root");
              }
            })),
        check("PCS-DF-002", Severity.HIGH, "Final stage runs as root",
            "The last USER of the final stage decides who the container runs as; root there gives an attacker full control of the container's file system and an easier path to the host.",
            "End the final stage with USER set to an unprivileged name or UID; switch to root only for the steps that need it.",
            List.of(cisDocker("4.1")),
            (df, hits) -> last(df).flatMap(s -> s.last("USER")).ifPresent(u -> {
              if (!u.words().isEmpty() && isRootUser(u.words().get(0))) {
                hits.add(u, "the image runs as '" + u.words().get(0) + "'");
              }
            })),
        check("PCS-DF-003", Severity.MEDIUM, "Base image uses the 'latest' tag",
            "'latest' moves whenever the publisher pushes, so two builds of the same Dockerfile can produce different images and a rebuild can silently pull in breaking or vulnerable changes.",
            "Name a specific version tag, and preferably pin the digest as well (image:1.2.3@sha256:...).",
            List.of(cisDocker("4.2"), docker("Pin base image versions")),
            (df, hits) -> df.stages().stream().filter(s -> s.baseStage().isEmpty() && s.baseResolved() && !s.fromScratch())
                .filter(s -> tag(s.base()).equals("latest") && !s.base().contains("@"))
                .forEach(s -> hits.add(s.from(), "FROM " + s.base() + " follows 'latest'"))),
        check("PCS-DF-004", Severity.MEDIUM, "Base image has neither tag nor digest",
            "An image named without a tag means 'latest', with the same drift between builds, and hides which version the build really used.",
            "Add an explicit version tag and, for reproducible builds, the digest.",
            List.of(cisDocker("4.2"), docker("Pin base image versions")),
            (df, hits) -> df.stages().stream().filter(s -> s.baseStage().isEmpty() && s.baseResolved() && !s.fromScratch())
                .filter(s -> tag(s.base()).isEmpty() && !s.base().contains("@"))
                .forEach(s -> hits.add(s.from(), "FROM " + s.base() + " names no tag or digest"))),
        check("PCS-DF-005", Severity.MEDIUM, "ADD fetches a remote URL",
            "ADD downloads at build time without checking what it got, the result depends on the server at that moment, and the download sits in its own layer.",
            "Download with curl or wget in a RUN that verifies a checksum and removes what it does not need, or use ADD --checksum=sha256:... .",
            List.of(cisDocker("4.9"), cwe(494)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("ADD") && i.flag("checksum").isEmpty())
                .forEach(i -> sources(i).stream().filter(src -> URL.matcher(src).matches() || GIT_URL.matcher(src).matches() && src.contains("://"))
                    .forEach(src -> hits.add(i, "ADD downloads " + redactUrl(src) + " without a checksum")))),
        check("PCS-DF-006", Severity.LOW, "ADD used where COPY fits",
            "ADD also unpacks archives and fetches URLs; using it for plain files makes the build do more than the author meant, and a renamed file can change behaviour.",
            "Use COPY for local files and directories; keep ADD for unpacking a local tar archive.",
            List.of(cisDocker("4.9")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("ADD"))
                .filter(i -> !sources(i).isEmpty() && sources(i).stream().noneMatch(src -> URL.matcher(src).matches() || ARCHIVE.matcher(src).matches() || src.contains("://")))
                .forEach(i -> hits.add(i, "ADD " + String.join(" ", sources(i)) + " copies plain files: COPY does that"))),
        check("PCS-DF-007", Severity.HIGH, "Remote script piped into a shell",
            "curl ... | sh runs whatever the server returns at build time, unreviewed and unverified; a compromised or spoofed server owns the image.",
            "Download the script to a file, verify its checksum or signature, then run it; or install the software from a package repository.",
            List.of(cwe(494)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN")).forEach(i -> {
              for (List<ShellScript.Command> p : df.shell(i).pipelines()) {
                for (int k = 0; k + 1 < p.size(); k++) {
                  String from = p.get(k).program();
                  String to = p.get(k + 1).program();
                  if ((from.equals("curl") || from.equals("wget")) && SHELL_OR_INTERPRETER.matcher(to).matches()) {
                    hits.add(i, from + " output is piped into " + to);
                  }
                }
              }
            })),
        check("PCS-DF-008", Severity.LOW, "apt-get install without --no-install-recommends",
            "Recommended packages are pulled in by default; they grow the image and its attack surface with software nobody asked for.",
            "Add --no-install-recommends to apt-get install and list what you really need.",
            List.of(cisDocker("4.3")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apt-get", "install") && !c.has("--no-install-recommends")
                  && c.values("-o").stream().noneMatch(v -> NO_RECOMMENDS.matcher(v).matches())) {
                hits.add(in, "apt-get install " + String.join(" ", c.operands()) + " also installs recommended packages");
              }
            })),
        check("PCS-DF-009", Severity.LOW, "apt-get install without version pins",
            "Unpinned packages make the build depend on the repository's state that day, so the same Dockerfile can yield different software.",
            "Pin each package: apt-get install curl=7.88.1-10+deb12u5.",
            List.of(docker("Pin package versions")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apt-get", "install")) {
                List<String> loose = c.operands().stream().filter(p -> !p.contains("=") && !p.endsWith(".deb") && !p.startsWith("$")).toList();
                if (!loose.isEmpty()) {
                  hits.add(in, "unpinned: " + String.join(" ", loose));
                }
              }
            })),
        check("PCS-DF-010", Severity.LOW, "apt lists left in the image",
            "The package lists apt-get update downloads stay in the layer unless the same RUN removes them: tens of megabytes and stale metadata in every image.",
            "End the RUN that installs with: && rm -rf /var/lib/apt/lists/*",
            List.of(docker("apt-get best practices")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN") && i.flag("mount").map(m -> !m.contains("/var/lib/apt")).orElse(true))
                .filter(i -> df.shell(i).commands().stream().anyMatch(c -> installs(c, "apt-get", "install")))
                .filter(i -> !i.script().contains("/var/lib/apt/lists"))
                .forEach(i -> hits.add(i, "apt-get install without removing /var/lib/apt/lists in the same RUN"))),
        check("PCS-DF-011", Severity.LOW, "apk add without --no-cache",
            "Without --no-cache apk keeps its index in /var/cache/apk, which then ships in the layer.",
            "Use apk add --no-cache (it needs no apk update first).",
            List.of(docker("Minimize image size")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apk", "add") && !c.has("--no-cache") && !in.script().contains("/var/cache/apk")) {
                hits.add(in, "apk add keeps its cache");
              }
            })),
        check("PCS-DF-012", Severity.LOW, "apk add without version pins",
            "Unpinned packages make the build depend on the repository's state that day.",
            "Pin each package: apk add curl=8.5.0-r0.",
            List.of(docker("Pin package versions")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apk", "add")) {
                List<String> loose = c.operands().stream().filter(p -> !p.contains("=") && !p.contains("~") && !p.endsWith(".apk") && !p.startsWith("$")).toList();
                if (!loose.isEmpty()) {
                  hits.add(in, "unpinned: " + String.join(" ", loose));
                }
              }
            })),
        check("PCS-DF-013", Severity.LOW, "pip install without --no-cache-dir",
            "pip keeps downloaded wheels in ~/.cache/pip, which then ships in the layer.",
            "Add --no-cache-dir to pip install, or set PIP_NO_CACHE_DIR=1.",
            List.of(docker("Minimize image size")),
            (df, hits) -> {
              boolean envOff = df.instructions().stream().filter(i -> i.keyword().equals("ENV"))
                  .anyMatch(i -> Assignments.of(i).containsKey("PIP_NO_CACHE_DIR"));
              eachCommand((in, c, h) -> {
                if (PIP.matcher(c.program()).matches() && c.subcommand().equals("install") && !c.has("--no-cache-dir") && !envOff
                    && !df.shell(in).variables().containsKey("PIP_NO_CACHE_DIR") && in.flag("mount").isEmpty()) {
                  h.add(in, "pip install keeps its cache");
                }
              }).apply(df, hits);
            }),
        check("PCS-DF-014", Severity.LOW, "pip install without version pins",
            "Unpinned Python packages resolve to whatever is newest at build time, including a freshly published malicious or broken release.",
            "Pin versions (pkg==1.2.3) or install from a requirements file with pinned versions and hashes.",
            List.of(docker("Pin package versions")),
            eachCommand((in, c, hits) -> {
              if (PIP.matcher(c.program()).matches() && c.subcommand().equals("install") && !c.has("-r") && !c.has("--requirement")) {
                List<String> loose = c.operands().stream()
                    .filter(p -> !PINNED.matcher(p).matches() && !p.equals(".") && !p.contains("/") && !p.endsWith(".whl") && !p.startsWith("$"))
                    .toList();
                if (!loose.isEmpty()) {
                  hits.add(in, "unpinned: " + String.join(" ", loose));
                }
              }
            })),
        check("PCS-DF-015", Severity.MEDIUM, "sudo in a RUN",
            "RUN already runs as the current USER; sudo in an image means sudo is installed and configured, which is a ready-made escalation path at run time.",
            "Switch with USER root for the steps that need it and back to the unprivileged user after; do not install sudo.",
            List.of(cisDocker("4.1")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN"))
                .filter(i -> df.shell(i).commands().stream().anyMatch(c -> c.words().stream().filter(w -> !w.contains("=")).findFirst().orElse("").equals("sudo")))
                .forEach(i -> hits.add(i, "RUN uses sudo"))),
        check("PCS-DF-016", Severity.HIGH, "Secret in ENV",
            "ENV values are stored in the image config and visible to anyone who can pull the image (docker inspect), and to every process in the container.",
            "Pass secrets at run time (orchestrator secrets, mounted files) and at build time with RUN --mount=type=secret.",
            List.of(cisDocker("4.10"), cwe(798)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("ENV")).forEach(i -> Assignments.of(i).forEach((k, v) -> {
              if (Redaction.isSecretName(k) && v != null && Redaction.isLiteralValue(v)) {
                hits.add(i, "ENV " + k + " holds a literal value (" + Redaction.redact(v) + ")");
              }
            }))),
        check("PCS-DF-017", Severity.MEDIUM, "Secret passed as a build argument",
            "Build argument values are recorded in the image history of every RUN that follows, so a password given with --build-arg can be read back from the image.",
            "Use RUN --mount=type=secret,id=... and read the secret from the mounted file.",
            List.of(cisDocker("4.10"), cwe(798)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("ARG")).forEach(i -> Assignments.of(i).forEach((k, v) -> {
              if (Redaction.isSecretName(k)) {
                hits.add(i, "ARG " + k + " carries a secret into the build history");
              }
            }))),
        check("PCS-DF-018", Severity.HIGH, "Credential or repository files copied into the image",
            "Keys, .env files, cloud and registry credentials, or a .git directory copied into a layer stay there for anyone who pulls the image, even if a later step deletes them.",
            "Exclude them with .dockerignore, and give the build what it needs with RUN --mount=type=secret or --mount=type=ssh.",
            List.of(cisDocker("4.10"), cwe(538)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                .forEach(i -> sources(i).stream().filter(src -> SENSITIVE_SOURCE.matcher(src).matches())
                    .forEach(src -> hits.add(i, i.keyword() + " " + src + " puts a credential or repository file into the image")))),
        check("PCS-DF-019", Severity.LOW, "No HEALTHCHECK",
            "Without a health check the runtime only knows whether the process exists, not whether it works, so a hung service is never restarted.",
            "Add HEALTHCHECK CMD with a cheap probe of the service, or HEALTHCHECK NONE when the orchestrator probes it instead.",
            List.of(cisDocker("4.6")),
            (df, hits) -> last(df).ifPresent(s -> {
              if (s.all("HEALTHCHECK").isEmpty() && !s.fromScratch() && s.baseStage().map(b -> df.stages().get(b).all("HEALTHCHECK").isEmpty()).orElse(true)) {
                hits.add(s.from(), "the final stage defines no HEALTHCHECK");
              }
            })),
        check("PCS-DF-020", Severity.MEDIUM, "SSH port exposed",
            "A container exposing port 22 usually runs an SSH daemon: another service with credentials to manage, and a way around the runtime's own access controls.",
            "Remove sshd; use the runtime's exec for debugging.",
            List.of(cisDocker("5.6")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("EXPOSE"))
                .filter(i -> i.words().stream().anyMatch(p -> SLASH_AND_REST.matcher(p).replaceAll("").equals("22")))
                .forEach(i -> hits.add(i, "EXPOSE 22"))),
        check("PCS-DF-021", Severity.MEDIUM, "World-writable permissions",
            "chmod 777 (or o+w) lets any user in the container rewrite those files, including programs and configuration the service trusts.",
            "Give ownership to the user that needs to write (COPY --chown, chown) and keep the mode at 755/644 or tighter.",
            List.of(cwe(732)),
            eachCommand((in, c, hits) -> {
              if (c.program().equals("chmod")) {
                c.effective().stream().skip(1).filter(m -> OCTAL_WORLD_WRITABLE.matcher(m).matches() || SYMBOLIC_WRITABLE.matcher(m).matches())
                    .findFirst().ifPresent(m -> hits.add(in, "chmod " + m + " makes files writable by everyone"));
              }
            })),
        check("PCS-DF-022", Severity.LOW, "cd in RUN instead of WORKDIR",
            "A cd only lasts for its RUN, which makes later instructions depend on a directory that is not visible in the Dockerfile.",
            "Use WORKDIR to change directory.",
            List.of(docker("WORKDIR")),
            eachCommand((in, c, hits) -> {
              if (c.program().equals("cd")) {
                hits.add(in, "cd " + String.join(" ", c.effective().subList(1, c.effective().size())) + ": use WORKDIR");
              }
            })),
        check("PCS-DF-023", Severity.LOW, "MAINTAINER is deprecated",
            "MAINTAINER is deprecated and not shown by tools that read OCI annotations.",
            "Use LABEL org.opencontainers.image.authors=\"...\".",
            List.of(docker("MAINTAINER (deprecated)")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("MAINTAINER")).forEach(i -> hits.add(i, "MAINTAINER is deprecated"))),
        check("PCS-DF-024", Severity.LOW, "More than one CMD in a stage",
            "Only the last CMD takes effect; earlier ones mislead readers about what the container runs.",
            "Keep one CMD per stage.",
            List.of(docker("CMD")),
            (df, hits) -> df.stages().forEach(s -> s.all("CMD").stream().skip(1).forEach(i -> hits.add(i, "CMD given again in stage " + s.index())))),
        check("PCS-DF-025", Severity.LOW, "More than one ENTRYPOINT in a stage",
            "Only the last ENTRYPOINT takes effect; earlier ones mislead readers about what the container runs.",
            "Keep one ENTRYPOINT per stage.",
            List.of(docker("ENTRYPOINT")),
            (df, hits) -> df.stages().forEach(s -> s.all("ENTRYPOINT").stream().skip(1).forEach(i -> hits.add(i, "ENTRYPOINT given again in stage " + s.index())))),
        check("PCS-DF-026", Severity.LOW, "Relative WORKDIR",
            "A relative WORKDIR is resolved against the previous one, which may come from the base image and change without notice.",
            "Use an absolute path.",
            List.of(docker("WORKDIR")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("WORKDIR") && !i.words().isEmpty())
                .filter(i -> !i.words().get(0).startsWith("/") && !WINDOWS_ABSOLUTE.matcher(i.words().get(0)).matches() && !i.arguments().text().startsWith("$"))
                .forEach(i -> hits.add(i, "WORKDIR " + i.words().get(0) + " is relative"))),
        check("PCS-DF-027", Severity.MEDIUM, "Several sources copied to a destination that is not a directory",
            "With more than one source the destination must end in '/'; otherwise the build fails.",
            "End the destination with '/'.",
            List.of(docker("COPY")),
            (df, hits) -> df.instructions().stream().filter(i -> (i.keyword().equals("COPY") || i.keyword().equals("ADD")) && i.heredocs().isEmpty())
                .filter(i -> i.words().size() > 2 && !i.words().get(i.words().size() - 1).endsWith("/"))
                .forEach(i -> hits.add(i, i.keyword() + " of " + (i.words().size() - 1) + " sources to " + i.words().get(i.words().size() - 1) + ", which does not end in '/'"))),
        check("PCS-DF-028", Severity.LOW, "FROM --platform set to a constant",
            "A fixed platform makes the build ignore the platform it was asked for, yielding for instance amd64 binaries in an arm64 image.",
            "Drop --platform, or use the automatic arguments: --platform=$BUILDPLATFORM for build stages.",
            List.of(docker("FROM --platform")),
            (df, hits) -> df.stages().forEach(s -> s.from().flag("platform").filter(p -> !p.contains("$"))
                .ifPresent(p -> hits.add(s.from(), "FROM --platform=" + p + " is fixed")))),
        check("PCS-DF-029", Severity.LOW, "Package index updated in a RUN that installs nothing",
            "A RUN that updates the package index (apt-get update, apk update, yum or dnf makecache, zypper refresh) but installs nothing is cached on its own;"
                + " later installs can reuse a stale index and install outdated packages.",
            "Update and install in the same RUN: apt-get update && apt-get install -y ...",
            List.of(cisDocker("4.7"), docker("apt-get best practices")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN")).forEach(i -> {
              List<ShellScript.Command> cs = df.shell(i).commands();
              cs.stream().filter(DockerfileChecks::isPackageManagerUpdate).findFirst().filter(u -> cs.stream().noneMatch(DockerfileChecks::isPackageInstall))
                  .ifPresent(u -> hits.add(i, u.program() + " " + u.subcommand() + " in a RUN that installs nothing"));
            })),
        check("PCS-DF-030", Severity.LOW, "Every package upgraded in a Dockerfile",
            "Upgrading every installed package (apt-get upgrade or dist-upgrade, apt upgrade or full-upgrade, apk upgrade, yum or dnf upgrade or update"
                + " without package names, zypper update or dist-upgrade) makes the image depend on the build day and hides that the base image is outdated;"
                + " the base image is the place for those updates.",
            "Use a newer base image, and upgrade only named packages when necessary.",
            List.of(cisDocker("4.7"), docker("apt-get best practices")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apt-get", "upgrade", "dist-upgrade") || installs(c, "apt", "upgrade", "full-upgrade") || installs(c, "apk", "upgrade") && c.operands().isEmpty()
                  || installs(c, "yum", "upgrade", "update") && c.operands().isEmpty() || installs(c, "dnf", "upgrade", "update") && c.operands().isEmpty()
                  || installs(c, "microdnf", "upgrade", "update") && c.operands().isEmpty()
                  || installs(c, "zypper", "update", "up", "dist-upgrade", "dup") && c.operands().isEmpty()) {
                hits.add(in, c.program() + " " + c.subcommand() + " upgrades every package");
              }
            })),
        check("PCS-DF-031", Severity.LOW, "Both curl and wget used",
            "Two download tools where one would do: a bigger image and one more program to patch.",
            "Pick one of curl and wget.",
            List.of(cisDocker("4.3")),
            (df, hits) -> df.stages().forEach(s -> {
              List<Instruction> runs = s.all("RUN");
              Optional<Instruction> curl = runs.stream().filter(i -> df.shell(i).commands().stream().anyMatch(c -> c.program().equals("curl"))).findFirst();
              Optional<Instruction> wget = runs.stream().filter(i -> df.shell(i).commands().stream().anyMatch(c -> c.program().equals("wget"))).findFirst();
              if (curl.isPresent() && wget.isPresent()) {
                Instruction later = curl.get().line() > wget.get().line() ? curl.get() : wget.get();
                hits.add(later, "stage " + s.index() + " uses both curl and wget");
              }
            })),
        check("PCS-DF-032", Severity.MEDIUM, "COPY --from its own stage",
            "A stage cannot copy from itself; the build fails or copies from an image of that name.",
            "Name an earlier stage or an image.",
            List.of(docker("COPY --from")),
            (df, hits) -> df.stages().forEach(s -> s.all("COPY").forEach(i -> i.flag("from").ifPresent(f -> {
              if (!s.name().isEmpty() && f.equalsIgnoreCase(s.name()) || f.equals(String.valueOf(s.index()))) {
                hits.add(i, "COPY --from=" + f + " names its own stage");
              }
            })))),
        check("PCS-DF-033", Severity.MEDIUM, "Two stages share a name",
            "Stage names must be unique; COPY --from and --target would pick one of them.",
            "Rename one of the stages.",
            List.of(docker("Multi-stage builds")),
            (df, hits) -> {
              Set<String> seen = new HashSet<>();
              df.stages().stream().filter(s -> !s.name().isEmpty()).forEach(s -> {
                if (!seen.add(s.name())) {
                  hits.add(s.from(), "stage name '" + s.name() + "' is used twice");
                }
              });
            }),
        check("PCS-DF-034", Severity.LOW, "CMD or ENTRYPOINT in shell form",
            "In shell form the program runs under /bin/sh -c, which does not pass on SIGTERM: the container is killed after the grace period instead of stopping cleanly.",
            "Use the exec (JSON) form: CMD [\"app\", \"--flag\"].",
            List.of(docker("Shell and exec form")),
            (df, hits) -> last(df).ifPresent(s -> s.instructions().stream().filter(i -> (i.keyword().equals("CMD") || i.keyword().equals("ENTRYPOINT")) && !i.isExecForm())
                .forEach(i -> hits.add(i, i.keyword() + " in shell form")))),
        check("PCS-DF-035", Severity.LOW, "apt used instead of apt-get",
            "apt is meant for people at a terminal; its interface and output are not stable for scripts.",
            "Use apt-get or apt-cache.",
            List.of(docker("apt-get best practices")),
            eachCommand((in, c, hits) -> {
              if (c.program().equals("apt") && !c.subcommand().isEmpty()) {
                hits.add(in, "apt " + c.subcommand() + ": use apt-get");
              }
            })),
        check("PCS-DF-036", Severity.LOW, "yum, dnf or zypper cache left in the image",
            "Unless the RUN that installs, updates or patches ends by emptying the whole cache (yum, dnf or microdnf clean all; zypper clean), the package"
                + " manager's metadata and downloaded packages stay in the layer; a clean before the install, or of the metadata only, leaves them.",
            "End the RUN, after its last install, with yum clean all, dnf clean all, microdnf clean all or zypper clean --all, or mount the cache with"
                + " RUN --mount=type=cache.",
            List.of(docker("Minimize image size")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN") && i.flag("mount").map(m -> !m.contains("/var/cache")).orElse(true))
                .forEach(i -> {
                  List<ShellScript.Command> cs = df.shell(i).commands();
                  for (String pm : List.of("yum", "dnf", "microdnf", "zypper")) {
                    int lastInstall = -1;
                    int lastClean = -1;
                    for (int k = 0; k < cs.size(); k++) {
                      if (isRpmInstall(cs.get(k), pm)) {
                        lastInstall = k;
                      } else if (isRpmClean(cs.get(k), pm)) {
                        lastClean = k;
                      }
                    }
                    if (lastInstall >= 0 && lastClean < lastInstall) {
                      ShellScript.Command install = cs.get(lastInstall);
                      hits.add(i, pm + " " + install.subcommand() + (lastClean < 0 ? " without " + pm + " clean" + (pm.equals("zypper") ? "" : " all")
                          : " after the last " + pm + " clean"));
                    }
                  }
                })),
        check("PCS-DF-037", Severity.HIGH, "RUN with --security=insecure",
            "An insecure RUN executes with full privileges on the build host, outside the build sandbox.",
            "Remove --security=insecure; do privileged preparation outside the image build.",
            List.of(docker("RUN --security")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN") && i.flag("security").filter(v -> v.equals("insecure")).isPresent())
                .forEach(i -> hits.add(i, "RUN --security=insecure"))),
        check("PCS-DF-038", Severity.MEDIUM, "TLS certificate verification turned off",
            "Skipping certificate checks lets anyone on the network path replace what the build downloads; set in ENV, it also holds for the running"
                + " container. Covered: curl -k, wget --no-check-certificate, pip --trusted-host, git http.sslVerify false, npm, yarn or pnpm strict-ssl"
                + " false, yum or dnf --setopt=sslverify=false, and the variables PYTHONHTTPSVERIFY=0, NODE_TLS_REJECT_UNAUTHORIZED=0,"
                + " NPM_CONFIG_STRICT_SSL=false, GIT_SSL_NO_VERIFY and PIP_TRUSTED_HOST, in ENV, ARG, export or a NAME=value prefix.",
            "Keep certificate verification; add the CA the server needs to the image's trust store instead.",
            List.of(cwe(295)),
            (df, hits) -> df.instructions().forEach(in -> {
              if (in.keyword().equals("ENV") || in.keyword().equals("ARG")) {
                Assignments.of(in).forEach((k, v) -> tlsOffByVariable(k, v).ifPresent(what -> hits.add(in, in.keyword() + " " + what + " turns off TLS certificate checks")));
              } else if (in.keyword().equals("RUN")) {
                for (ShellScript.Command c : df.shell(in).commands()) {
                  c.variables().forEach((k, v) -> tlsOffByVariable(k, v).ifPresent(what -> hits.add(in, what + " turns off TLS certificate checks")));
                  tlsOffByCommand(c).ifPresent(what -> hits.add(in, what + " turns off TLS certificate checks"));
                }
              }
            })),
        check("PCS-DF-039", Severity.HIGH, "Credentials in a URL",
            "A user:password@ in a URL of a RUN or ADD is stored in the image history for anyone who pulls the image.",
            "Use RUN --mount=type=secret and pass the credential from the file, or a .netrc mounted as a secret.",
            List.of(cisDocker("4.10"), cwe(798)),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("RUN") || i.keyword().equals("ADD"))
                .filter(i -> URL_CREDENTIALS.matcher(i.arguments().text()).find() || URL_CREDENTIALS.matcher(i.script()).find())
                .forEach(i -> hits.add(i, i.keyword() + " has a URL with embedded credentials"))),
        check("PCS-DF-040", Severity.MEDIUM, "EXPOSE with an invalid port",
            "Ports are 0 to 65535 with an optional /tcp or /udp; anything else fails the build or means something else than intended.",
            "Fix the port number or protocol.",
            List.of(docker("EXPOSE")),
            (df, hits) -> df.instructions().stream().filter(i -> i.keyword().equals("EXPOSE")).forEach(i -> i.words().forEach(p -> {
              if (!p.isEmpty() && !validPort(p)) {
                hits.add(i, "EXPOSE " + p + " is not a valid port");
              }
            }))),
        check("PCS-DF-041", Severity.LOW, "More than one HEALTHCHECK in a stage",
            "Only the last HEALTHCHECK takes effect.",
            "Keep one HEALTHCHECK per stage.",
            List.of(docker("HEALTHCHECK")),
            (df, hits) -> df.stages().forEach(s -> s.all("HEALTHCHECK").stream().skip(1).forEach(i -> hits.add(i, "HEALTHCHECK given again in stage " + s.index())))),
        check("PCS-DF-042", Severity.LOW, "apt-get install without -y",
            "Without -y (or --yes) apt-get waits for a confirmation nobody gives, and the build fails or hangs.",
            "Add -y or --yes, or -qq.",
            List.of(docker("apt-get best practices")),
            eachCommand((in, c, hits) -> {
              if (installs(c, "apt-get", "install") && !c.has("-y") && !c.has("--yes") && !c.has("--assume-yes") && !c.has("-qq")) {
                hits.add(in, "apt-get install will ask for confirmation");
              }
            })),
        check("PCS-DF-043", Severity.HIGH, "Package signatures not verified",
            "Installing packages without checking their signatures (apk --allow-untrusted, apt-get --allow-unauthenticated or --force-yes, yum, dnf or"
                + " microdnf --nogpgcheck or gpgcheck=0, rpm --nosignature, zypper --no-gpg-checks) accepts whatever a mirror or a man in the middle serves.",
            "Import the repository's signing key and keep signature checks on; for a local package, verify its checksum before installing it.",
            List.of(cwe(347), cwe(494)),
            eachCommand((in, c, hits) -> signatureBypass(c).ifPresent(what -> hits.add(in, what + " installs without verifying package signatures")))),
        check("PCS-DF-044", Severity.HIGH, "Password set in a RUN",
            "chpasswd, usermod --password or passwd --stdin in a RUN writes the password (or its hash) into the build history and into /etc/shadow of"
                + " every container started from the image.",
            "Do not give accounts in an image a password; authenticate at run time, and pass any build-time secret with RUN --mount=type=secret.",
            List.of(cisDocker("4.10"), cwe(259)),
            eachCommand((in, c, hits) -> {
              if (c.program().equals("chpasswd") || c.program().equals("usermod") && (c.has("-p") || c.has("--password"))
                  || c.program().equals("passwd") && c.has("--stdin")) {
                hits.add(in, c.program() + " sets a password in the image");
              }
            })),
        check("PCS-DF-045", Severity.MEDIUM, "Base image named by a build argument without a default",
            "FROM $IMAGE, FROM ${REGISTRY}/ubuntu or FROM alpine$TAG with no default for the argument pins nothing: the base is whatever the build is given,"
                + " or an error.",
            "Give the argument a default with a version tag and digest (ARG IMAGE=alpine:3.20@sha256:...), or name the image in FROM.",
            List.of(cisDocker("4.2"), docker("Pin base image versions")),
            (df, hits) -> {
              Set<String> withDefault = new HashSet<>();
              df.instructions().stream().filter(i -> i.keyword().equals("ARG") && i.stage() < 0)
                  .forEach(i -> Assignments.of(i).forEach((k, v) -> {
                    if (v != null) {
                      withDefault.add(k);
                    }
                  }));
              df.stages().stream().filter(s -> !s.baseResolved() && s.baseStage().isEmpty() && !s.from().arguments().text().contains("@sha256:")).forEach(s -> {
                String image = WHITESPACE.split(s.from().arguments().text())[0];
                List<String> args = ARG_REFERENCE.matcher(image).results().map(m -> m.group(1) != null ? m.group(1) : m.group(2))
                    .filter(n -> !withDefault.contains(n)).distinct().toList();
                hits.add(s.from(), "FROM " + image + " takes its base from build arguments with no default (" + String.join(", ", args) + ")");
              });
            }));
  }

  private static boolean validPort(String p) {
    if (p.contains("$")) {
      return true;
    }
    String port = PROTOCOL_SUFFIX.matcher(p).replaceFirst("");
    for (String part : port.split("-", -1)) {
      if (!PORT_NUMBER.matcher(part).matches() || Integer.parseInt(part) > 65535) {
        return false;
      }
    }
    return true;
  }


  private static String redactUrl(String url) {
    return URL_USER_INFO.matcher(url).replaceAll("$1****@");
  }

}
