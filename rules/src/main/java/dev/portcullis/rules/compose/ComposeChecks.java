package dev.portcullis.rules.compose;

import static dev.portcullis.core.Reference.cisDocker;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.compose.ComposeFile.Service;
import dev.portcullis.rules.yaml.YamlNode;
import dev.portcullis.rules.yaml.YamlNode.YMap;
import dev.portcullis.rules.yaml.YamlNode.YScalar;
import java.util.List;
import java.util.regex.Pattern;

/** The {@code PCS-COMPOSE} checks, listed once. */
public final class ComposeChecks {
  private ComposeChecks() {}
  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern NET_BIND_SERVICE = Pattern.compile("(CAP_)?NET_BIND_SERVICE");
  private static final Pattern UNCONFINED = Pattern.compile("(seccomp|apparmor):unconfined");
  private static final Pattern ENGINE_SOCKET = Pattern.compile(".*(docker|containerd|crio|podman).*");


  /** Reports the hits of one service, each at a line of the file. */
  private interface ServiceRule {
    void apply(Service s, Hits<ComposeFile, Integer> hits);
  }

  private static Check<ComposeFile> check(String id, Severity severity, String title, String rationale, String remediation, List<Reference> refs, ServiceRule rule) {
    return Hits.<ComposeFile, Integer>check(new CheckInfo(id, severity, title, rationale, remediation, refs), ComposeFile.class,
        (f, line) -> FindingLocation.InFile.line(f.name(), Math.max(1, line)), (f, hits) -> f.services().forEach(s -> rule.apply(s, hits)));
  }

  private static String text(YamlNode n) {
    return n instanceof YScalar s && s.value() != null ? s.value() : "";
  }

  private static ServiceRule setting(String key, String value, String message) {
    return (s, hits) -> s.node().text(key).filter(v -> v.equals(value)).ifPresent(v -> hits.add(s.node().lineOf(key), "service " + s.name() + " " + message));
  }

  public static List<Check<?>> all() {
    return List.of(
        check("PCS-COMPOSE-001", Severity.CRITICAL, "Privileged service",
            "A privileged container has every capability and the host's devices; escaping to the host is trivial.",
            "Remove privileged: true and add only the capability the service needs.",
            List.of(cisDocker("5.4")),
            setting("privileged", "true", "runs privileged")),
        check("PCS-COMPOSE-002", Severity.HIGH, "Service on the host network",
            "network_mode: host gives the container the host's network stack: it can bind any host port and reach services listening on localhost.",
            "Use a bridge network and publish only the ports needed.",
            List.of(cisDocker("5.9")),
            setting("network_mode", "host", "uses the host network")),
        check("PCS-COMPOSE-003", Severity.HIGH, "Service shares the host PID namespace",
            "pid: host lets the container see and signal every process of the host.",
            "Remove pid: host.",
            List.of(cisDocker("5.15")),
            setting("pid", "host", "shares the host PID namespace")),
        check("PCS-COMPOSE-004", Severity.CRITICAL, "Container runtime socket mounted",
            "Whoever can talk to the Docker or containerd socket can start a privileged container and so owns the host.",
            "Do not mount the socket; if a tool needs the API, put an authorising proxy in front of it.",
            List.of(cisDocker("5.31")),
            (s, hits) -> s.node().list("volumes").forEach(v -> {
              String source = v instanceof YMap m ? m.text("source").orElse("") : text(v).split(":", 2)[0];
              if (source.endsWith(".sock") && ENGINE_SOCKET.matcher(source).matches()) {
                hits.add(v.line(), "service " + s.name() + " mounts " + source);
              }
            })),
        check("PCS-COMPOSE-005", Severity.HIGH, "Capability added",
            "Each added capability gives the container part of root's power over the kernel; SYS_ADMIN and the like are enough to escape.",
            "Remove cap_add, or keep it to NET_BIND_SERVICE; start from cap_drop: [ALL].",
            List.of(cisDocker("5.3")),
            (s, hits) -> s.node().list("cap_add").stream().map(ComposeChecks::text).filter(c -> !NET_BIND_SERVICE.matcher(c.toUpperCase(java.util.Locale.ROOT)).matches())
                .forEach(c -> hits.add(s.node().lineOf("cap_add"), "service " + s.name() + " adds " + c))),
        check("PCS-COMPOSE-006", Severity.HIGH, "Secret in environment",
            "A credential in the Compose file sits in version control and in the container's inspectable config.",
            "Use Compose secrets (secrets: with a file or external source) or an env_file kept out of version control.",
            List.of(cisDocker("4.10"), Reference.cwe(798)),
            (s, hits) -> s.node().get("environment").ifPresent(env -> {
              if (env instanceof YMap m) {
                m.entries().forEach((k, v) -> {
                  if (Redaction.isSecretName(k) && Redaction.isLiteralValue(text(v))) {
                    hits.add(m.lineOf(k), "service " + s.name() + " sets " + k + " to " + Redaction.redact(text(v)));
                  }
                });
              } else if (env instanceof YamlNode.YList l) {
                l.items().forEach(i -> {
                  String kv = text(i);
                  int eq = kv.indexOf('=');
                  if (eq > 0 && Redaction.isSecretName(kv.substring(0, eq)) && Redaction.isLiteralValue(kv.substring(eq + 1))) {
                    hits.add(i.line(), "service " + s.name() + " sets " + kv.substring(0, eq) + " to " + Redaction.redact(kv.substring(eq + 1)));
                  }
                });
              }
            })),
        check("PCS-COMPOSE-007", Severity.HIGH, "Service shares the host IPC namespace",
            "ipc: host gives the container access to the host's shared memory and semaphores.",
            "Remove ipc: host.",
            List.of(cisDocker("5.16")),
            setting("ipc", "host", "shares the host IPC namespace")),
        check("PCS-COMPOSE-008", Severity.MEDIUM, "seccomp or AppArmor turned off",
            "security_opt seccomp:unconfined or apparmor:unconfined removes the kernel filters the runtime applies by default.",
            "Remove the option, or point it at a custom profile.",
            List.of(cisDocker("5.1"), cisDocker("5.21")),
            (s, hits) -> s.node().list("security_opt").stream().filter(o -> UNCONFINED.matcher(text(o).replace('=', ':')).matches())
                .forEach(o -> hits.add(o.line(), "service " + s.name() + " sets " + text(o))))
        );
  }
}
