package dev.portcullis.rules.image;

import static dev.portcullis.core.Reference.cisDocker;
import static dev.portcullis.core.Reference.cwe;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
import dev.portcullis.rules.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code PCS-IMG} checks, listed once. */
public final class ImageChecks {
  private ImageChecks() {}

  /** Ports whose services should not be reachable in a container: remote shells, cleartext logins, daemons that hand out root. */
  static final Map<Integer, String> SENSITIVE_PORTS = new TreeMap<>(Map.ofEntries(
      Map.entry(21, "FTP"), Map.entry(22, "SSH"), Map.entry(23, "telnet"), Map.entry(69, "TFTP"), Map.entry(111, "rpcbind"),
      Map.entry(445, "SMB"), Map.entry(512, "rexec"), Map.entry(513, "rlogin"), Map.entry(514, "rsh"), Map.entry(2375, "Docker API without TLS"),
      Map.entry(2376, "Docker API"), Map.entry(3389, "RDP"), Map.entry(5900, "VNC"), Map.entry(6443, "Kubernetes API"), Map.entry(10250, "kubelet API")));
  /** Directories a package manager fills and a tidy build empties. */
  static final Map<String, String> CACHES = new LinkedHashMap<>();

  static {
    CACHES.put("/var/lib/apt/lists/", "apt package lists");
    CACHES.put("/var/cache/apt/archives/", "apt downloaded packages");
    CACHES.put("/var/cache/apk/", "apk index");
    CACHES.put("/var/cache/yum/", "yum cache");
    CACHES.put("/var/cache/dnf/", "dnf cache");
    CACHES.put("/var/cache/zypp/", "zypper cache");
    CACHES.put("/root/.cache/pip/", "pip cache");
    CACHES.put("/root/.npm/_cacache/", "npm cache");
  }

  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern ADD_INSTRUCTION = Pattern.compile("(?s).*(#\\(nop\\)\\s*|^)ADD\\s.*");
  private static final Pattern PORT_NUMBER = Pattern.compile("[0-9]{1,5}");
  private static final Pattern SLASH_AND_REST = Pattern.compile("/.*");
  private static final Pattern SURROUNDING_QUOTES = Pattern.compile("^[\"']|[\"']$");
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)=(\"[^\"]*\"|'[^']*'|[^\\s;&|]+)");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://([^/\\s:@]+):([^/\\s@]+)@");

  /** Where a hit is in the image it is found in: a field of its config, or a file of a layer. */
  private interface At extends Function<ImageSubject, FindingLocation> {}

  private static At config(String field) {
    return image -> new FindingLocation.InConfig(image.name(), field);
  }

  private static At file(FileEntry e) {
    return image -> new FindingLocation.InLayer(image.name(), image.location(e));
  }

  private interface Rule {
    void apply(ImageSubject image, ImageConfig config, Hits<ImageSubject, At> hits);
  }

  private static Check<ImageSubject> check(String id, Severity severity, String title, String rationale, String remediation, List<Reference> refs, Rule rule) {
    return Hits.<ImageSubject, At>check(new CheckInfo(id, severity, title, rationale, remediation, refs), ImageSubject.class, (image, at) -> at.apply(image),
        (image, hits) -> rule.apply(image, image.config(), hits));
  }

  private static boolean isRoot(String user) {
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    return name.isEmpty() || name.equals("root") || name.equals("0");
  }

  /** The {@code NAME=value} pairs in a history command that give a secret-named variable a literal value. */
  static List<String> secretsInCommand(String command) {
    List<String> out = new ArrayList<>();
    Matcher m = ASSIGNMENT.matcher(command);
    while (m.find()) {
      String value = SURROUNDING_QUOTES.matcher(m.group(2)).replaceAll("");
      if (Redaction.isSecretName(m.group(1)) && Redaction.isLiteralValue(value)) {
        out.add(m.group(1) + "=" + Redaction.redact(value));
      }
    }
    Matcher u = URL_CREDENTIALS.matcher(command);
    while (u.find()) {
      out.add("URL credentials for " + u.group(1) + " (" + Redaction.redact(u.group(2)) + ")");
    }
    return out;
  }

  public static List<Check<?>> all() {
    return List.of(
        check("PCS-IMG-001", Severity.HIGH, "Image runs as root",
            "An image whose config names no user, or root, starts its process as UID 0; a compromised process then owns the container and is one kernel bug away from the host.",
            "Set a non-root USER in the Dockerfile (a numeric UID lets runtimes verify it), or run with an explicit --user.",
            List.of(cisDocker("4.1")),
            (image, config, hits) -> {
              if (isRoot(config.user())) {
                hits.add(config("config.User"), config.user().isEmpty() ? "no user is set, so the container runs as root" : "the image runs as '" + config.user() + "'");
              }
            }),
        check("PCS-IMG-002", Severity.LOW, "Image has no healthcheck",
            "Without a healthcheck the runtime cannot tell a hung service from a working one.",
            "Add a HEALTHCHECK to the Dockerfile, or rely on the orchestrator's probes and say so with HEALTHCHECK NONE.",
            List.of(cisDocker("4.6")),
            (image, config, hits) -> {
              if (config.healthcheckIfAny().isEmpty()) {
                hits.add(config("config.Healthcheck"), "the image defines no healthcheck");
              }
            }),
        check("PCS-IMG-003", Severity.HIGH, "Secret in the image environment",
            "Environment variables are stored in the image config: anyone who can pull the image reads them, and every process in the container inherits them.",
            "Remove the value from the image and provide it at run time from a secret store or a mounted file.",
            List.of(cisDocker("4.10"), cwe(798)),
            (image, config, hits) -> {
              for (int i = 0; i < config.env().size(); i++) {
                String e = config.env().get(i);
                int eq = e.indexOf('=');
                if (eq > 0 && Redaction.isSecretName(e.substring(0, eq)) && Redaction.isLiteralValue(e.substring(eq + 1))) {
                  hits.add(config("config.Env[" + i + "]"), e.substring(0, eq) + " holds " + Redaction.redact(e.substring(eq + 1)));
                }
              }
            }),
        check("PCS-IMG-004", Severity.HIGH, "Secret in an image label",
            "Labels are public metadata of the image, copied to registries and SBOMs.",
            "Remove the label; keep credentials out of build metadata.",
            List.of(cisDocker("4.10"), cwe(798)),
            (image, config, hits) -> new TreeMap<>(config.labels()).forEach((k, v) -> {
              if (Redaction.isSecretName(k) && Redaction.isLiteralValue(v)) {
                hits.add(config("config.Labels[\"" + k + "\"]"), "label " + k + " holds " + Redaction.redact(v));
              }
            })),
        check("PCS-IMG-005", Severity.HIGH, "Secret in the build history",
            "The command of every build step, with the build arguments it saw, is kept in the image history and shown by docker history.",
            "Pass build secrets with RUN --mount=type=secret instead of build arguments, environment variables or URLs, and rebuild.",
            List.of(cisDocker("4.10"), cwe(798)),
            (image, config, hits) -> {
              for (int i = 0; i < config.history().size(); i++) {
                for (String s : secretsInCommand(config.history().get(i).createdBy())) {
                  hits.add(config("history[" + i + "].created_by"), "build step " + i + " records " + s);
                }
              }
            }),
        check("PCS-IMG-006", Severity.MEDIUM, "setuid or setgid file",
            "A setuid or setgid program runs with its owner's rights whatever user starts it; every one of them is a way to escalate privileges inside the container.",
            "Remove the bit where it is not needed: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +",
            List.of(cisDocker("4.8")),
            (image, config, hits) -> image.treeIfAny().ifPresent(tree -> tree.entries().stream()
                .filter(e -> (e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK) && (e.mode() & 06000) != 0)
                .forEach(e -> hits.add(file(e), e.path() + " is " + ((e.mode() & 04000) != 0 ? "setuid" : "setgid") + " (" + e.permissions() + ", owner " + e.uid() + ")")))),
        check("PCS-IMG-007", Severity.MEDIUM, "World-writable file or directory",
            "Any user in the container can change a world-writable file, and can replace files in a world-writable directory without the sticky bit.",
            "Give the files to the user that writes them and remove write access for others (chmod o-w).",
            List.of(cwe(732)),
            (image, config, hits) -> image.treeIfAny().ifPresent(tree -> tree.entries().stream()
                .filter(e -> (e.mode() & 0002) != 0)
                .filter(e -> e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK || e.type() == FileType.DIRECTORY && (e.mode() & 01000) == 0)
                .forEach(e -> hits.add(file(e), e.path() + " is writable by everyone (" + e.permissions() + ")")))),
        check("PCS-IMG-008", Severity.MEDIUM, "Sensitive port exposed",
            "The image declares a port of a remote-administration or cleartext-login service, which should not run in an application container.",
            "Remove the service and its EXPOSE; administer containers through the runtime.",
            List.of(cisDocker("5.8")),
            (image, config, hits) -> config.exposedPorts().forEach(p -> {
              String number = SLASH_AND_REST.matcher(p).replaceAll("");
              if (PORT_NUMBER.matcher(number).matches() && SENSITIVE_PORTS.containsKey(Integer.parseInt(number))) {
                hits.add(config("config.ExposedPorts[\"" + p + "\"]"), "port " + p + " (" + SENSITIVE_PORTS.get(Integer.parseInt(number)) + ") is exposed");
              }
            })),
        check("PCS-IMG-009", Severity.LOW, "Package manager cache left in the image",
            "Package indexes and downloaded packages left behind make the image bigger and carry stale metadata.",
            "Clean the cache in the same RUN that installs (rm -rf /var/lib/apt/lists/*, apk add --no-cache, dnf clean all, pip --no-cache-dir).",
            List.of(cisDocker("4.3")),
            (image, config, hits) -> image.treeIfAny().ifPresent(tree -> CACHES.forEach((dir, what) -> tree.entries().stream()
                .filter(e -> e.path().startsWith(dir) && e.type() == FileType.REGULAR && e.size() > 0 && !e.path().endsWith("/lock"))
                .findFirst().ifPresent(e -> hits.add(file(e), what + " left in " + dir))))),
        check("PCS-IMG-010", Severity.LOW, "ADD in the build history",
            "ADD may fetch URLs and unpack archives implicitly; what it brought is harder to review than a COPY.",
            "Use COPY for local files; download and verify remote files explicitly.",
            List.of(cisDocker("4.9")),
            (image, config, hits) -> {
              for (int i = 0; i < config.history().size(); i++) {
                String c = config.history().get(i).createdBy();
                if (ADD_INSTRUCTION.matcher(c).matches() || c.startsWith("ADD ")) {
                  hits.add(config("history[" + i + "].created_by"), "build step " + i + " used ADD");
                }
              }
            }));
  }
}
