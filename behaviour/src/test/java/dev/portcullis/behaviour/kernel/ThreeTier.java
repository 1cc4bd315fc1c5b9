package dev.portcullis.behaviour.kernel;

import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.Targets;
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.NetnsLab;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The three-tier application of the behaviour tests, in a {@link NetnsLab}: {@code web} (only a client: the test
 * runs curl there), {@code api} (a python3 HTTP server on 8080 that, per request, asks {@code db:5432} and runs a
 * subprocess living about 50 ms), {@code db} (socat echoing on 5432 through {@code /bin/cat}), and {@code dns}
 * (dnsmasq answering {@code api} and {@code db}), which is not a workload.
 */
final class ThreeTier implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(15);

  static final String API = """
      import http.server, socket, subprocess, sys
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              with socket.create_connection(("db", 5432), timeout=5) as s:
                  s.sendall(b"ping\\n")
                  answer = s.recv(100).strip()
              subprocess.run(["/usr/bin/sleep", "0.05"], check=True)
              body = b"api ok " + answer
              self.send_response(200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          def log_message(self, *args):
              pass
      server = http.server.HTTPServer(("0.0.0.0", 8080), Handler)
      print("ready", flush=True)
      server.serve_forever()
      """;

  final NetnsLab lab;
  final Path apiScript;
  Process api;
  Process db;

  private ThreeTier(NetnsLab lab, Path apiScript) {
    this.lab = lab;
    this.apiScript = apiScript;
  }

  /** The lab with dns running and every tier's resolver set; the servers are started by {@link #startServers}. */
  static ThreeTier create(Path dir) throws IOException {
    NetnsLab lab = NetnsLab.create("dns", "web", "api", "db");
    try {
      lab.start("dns", "dnsmasq", List.of("dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--user=root",
          "--group=root", "--pid-file=", "--bind-interfaces", "--listen-address=" + lab.address("dns"),
          "--address=/api/" + lab.address("api"), "--address=/db/" + lab.address("db")));
      for (String tier : List.of("web", "api", "db")) {
        lab.resolvConf(tier, lab.address("dns"));
      }
      Path script = dir.resolve("api.py");
      Files.writeString(script, API);
      ThreeTier app = new ThreeTier(lab, script);
      await("dnsmasq to listen", () -> log(lab, "dnsmasq").contains("started"));
      return app;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    lab.close();
  }

  void startServers() throws IOException {
    db = lab.start("db", "db", List.of("socat", "-d", "-d", "TCP-LISTEN:5432,fork,reuseaddr", "EXEC:/bin/cat"));
    api = lab.start("api", "api", List.of("/usr/bin/python3", apiScript.toString()));
    await("db to listen", () -> log(lab, "db").contains("listening on"));
    await("api to listen", () -> log(lab, "api").contains("ready"));
  }

  /** {@code curl http://api:8080/} from web; the body. */
  String callApi() throws IOException {
    Tools.Result r = lab.exec("web", Duration.ofSeconds(20), "curl", "-s", "-m", "10", "http://api:8080/");
    return r.exitCode() + " " + r.stdoutText();
  }

  /** Targets web, api and db by their lab namespaces. */
  List<Target> targets() throws IOException {
    List<Target> targets = new ArrayList<>();
    for (String tier : List.of("web", "api", "db")) {
      targets.add(Targets.resolve(tier + "=netns:" + lab.namespace(tier), Map.of(), List.of("podman")));
    }
    return targets;
  }

  /** {@code nft list ruleset} in each namespace of the lab, and in the host's. */
  Map<String, String> rulesets() throws IOException {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("host", Tools.run(Duration.ofSeconds(20), "nft", "list", "ruleset").stdoutText());
    for (String tier : List.of("dns", "web", "api", "db")) {
      all.put(tier, Tools.run(Duration.ofSeconds(20), "ip", "netns", "exec", lab.namespace(tier), "nft", "list",
          "ruleset").stdoutText());
    }
    return all;
  }

  static String auditRules() throws IOException {
    return Exec.run(Duration.ofSeconds(20), Map.of(), List.of("auditctl", "-l")).stdoutText();
  }

  private static String log(NetnsLab lab, String name) {
    try {
      return lab.log(name);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until {@code condition} holds, failing after {@link #WAIT}. */
  static void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  /** As {@link #await(String, BooleanSupplier)}, showing {@code state} when it fails. */
  static void await(String what, BooleanSupplier condition, java.util.function.Supplier<Object> state) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + ": " + state.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
