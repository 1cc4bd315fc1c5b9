package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerdIT {
  // the engine's AuthZ plugin protocol over a Unix socket, denying every container create
  private static final String PLUGIN = """
      import json, os, socketserver, sys
      from http.server import BaseHTTPRequestHandler
      class H(BaseHTTPRequestHandler):
          def do_POST(self):
              body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))) or b'{}')
              if self.path == '/Plugin.Activate':
                  out = {'Implements': ['authz']}
              elif self.path == '/AuthZPlugin.AuthZReq' and '/containers/create' in body.get('RequestUri', ''):
                  out = {'Allow': False, 'Msg': 'test-plugin: container create refused'}
              else:
                  out = {'Allow': True}
              data = json.dumps(out).encode()
              self.send_response(200)
              self.send_header('Content-Type', 'application/vnd.docker.plugins.v1+json')
              self.send_header('Content-Length', str(len(data)))
              self.end_headers()
              self.wfile.write(data)
          def log_message(self, *args):
              pass
          def address_string(self):
              return 'unix'
      class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
          daemon_threads = True
      S(sys.argv[1], H).serve_forever()
      """;

  private static RegistryProcess registry;
  private static BusyboxImage.Pushed image;

  @BeforeAll
  static void pushImage() throws Exception {
    registry = RegistryProcess.start();
    image = BusyboxImage.push(registry, "busybox", "docker");
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void pullsFromTheLocalRegistryAndRunsWithoutANetwork() throws Exception {
    try (Dockerd dockerd = Dockerd.start(Dockerd.Options.defaults().withInsecureRegistry(registry))) {
      Tools.Result pull = dockerd.docker("pull", "-q", image.digestReference());
      Tools.Result ok = dockerd.docker("run", "--rm", "--network", "none", image.digestReference(), "true");
      Tools.Result variant = dockerd.docker("run", "--rm", "--network", "none", image.digestReference(),
          "cat", "/etc/portcullis-variant");
      Tools.Result fails = dockerd.docker("run", "--rm", "--network", "none", image.digestReference(), "false");

      assertThat(pull.exitCode()).as(pull.stderr()).isZero();
      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(variant.stdoutText()).isEqualTo("busybox:docker\n");
      assertThat(fails.exitCode()).isEqualTo(1);
    }
  }

  @Test
  void anAuthorizationPluginFoundThroughItsSpecFileRefusesWithItsMessage(@TempDir Path dir) throws Exception {
    String name = "portcullis-it-" + UUID.randomUUID().toString().substring(0, 8);
    Path script = dir.resolve("plugin.py");
    Files.writeString(script, PLUGIN);
    // short: a Unix socket path must stay under 108 bytes
    Path socket = Files.createTempDirectory(Path.of("/tmp"), "pcs-authz-").resolve("p.sock");
    Process plugin = new ProcessBuilder("python3", script.toString(), socket.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("plugin.log").toFile()).start();
    try (Dockerd.PluginSpec spec = Dockerd.pluginSpec(name, socket)) {
      awaitSocket(socket, plugin);
      assertThat(Files.readString(spec.file())).isEqualTo("unix://" + socket + "\n");
      try (Dockerd dockerd = Dockerd.start(Dockerd.Options.defaults().withAuthorizationPlugin(name))) {
        Tools.Result pull = dockerd.docker("pull", "-q", image.reference());
        Tools.Result refused = dockerd.docker("run", "--rm", "--network", "none", image.reference(), "true");

        assertThat(pull.exitCode()).as(pull.stderr()).isZero();
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("authorization denied by plugin " + name + ": test-plugin: container create refused");
      }
      assertThat(spec.file()).exists();
    } finally {
      Exec.stop(plugin, Duration.ofSeconds(5));
      Files.deleteIfExists(socket);
      Files.deleteIfExists(socket.getParent());
    }
    assertThat(Path.of("/etc/docker/plugins", name + ".spec")).doesNotExist();
  }

  private static void awaitSocket(Path socket, Process plugin) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.exists(socket)) {
      assertThat(plugin.isAlive()).as("the test plugin is running").isTrue();
      assertThat(System.nanoTime()).as("the test plugin's socket appears within 20 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
