package dev.portcullis.host.containers;

import dev.portcullis.testkit.BusyboxImage;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Real containers for the ITs: a busybox root file system imported into podman or dockerd, started with chosen flags. */
final class LiveContainers {
  static final String IMAGE = "localhost/busybox:live";

  /** What every container fails unless its flags say otherwise: no memory limit, the image's (root) user, writable root. */
  static final Set<String> BASELINE = Set.of("memory-limit", "runs-as-root", "read-only-rootfs");

  /**
   * One container to start.
   *
   * @param name its name
   * @param flags {@code run} flags before the image
   * @param fails the tests it fails besides {@link #BASELINE} (and besides {@code pids-limit} on docker, which sets
   *     no PIDs limit by default where podman sets 2048); the hardened container fails none
   */
  record Case(String name, List<String> flags, Set<String> fails) {
    Set<String> expected(String engine) {
      if (name.equals("hardened")) {
        return Set.of();
      }
      Set<String> all = new TreeSet<>(BASELINE);
      if (engine.equals("docker")) {
        all.add("pids-limit");
      }
      all.addAll(fails);
      return all;
    }
  }

  static final List<Case> CASES = List.of(
      new Case("plain", List.of(), Set.of()),
      new Case("privileged", List.of("--privileged"), Set.of("privileged")),
      new Case("host-pid", List.of("--pid=host"), Set.of("host-pid")),
      new Case("host-ipc", List.of("--ipc=host"), Set.of("host-ipc")),
      new Case("host-uts", List.of("--uts=host"), Set.of("host-uts")),
      new Case("host-network", List.of("--network", "host"), Set.of("host-network")),
      new Case("root-mount", List.of("-v", "/:/host"), Set.of("sensitive-mount")),
      new Case("etc-read-only", List.of("-v", "/etc:/hostetc:ro"), Set.of("sensitive-mount")),
      new Case("cap-sys-admin", List.of("--cap-add", "SYS_ADMIN"), Set.of("added-capabilities")),
      new Case("cap-chown", List.of("--cap-add", "CHOWN"), Set.of()),
      new Case("seccomp-unconfined", List.of("--security-opt", "seccomp=unconfined"), Set.of("seccomp")),
      new Case("user-0", List.of("--user", "0"), Set.of()),
      new Case("hardened", List.of("--read-only", "--memory", "64m", "--pids-limit", "100", "--user", "1000",
          "--cap-drop", "ALL"), Set.of()));

  private LiveContainers() {}

  /** A tar of busybox with its applets and {@code /tmp}, for {@code podman import} and {@code docker import}. */
  static Path rootfsTar(Path dir) throws IOException {
    LayerBuilder layer = new LayerBuilder().dir("bin").dir("etc").dir("tmp", 01777)
        .file("bin/busybox", Files.readAllBytes(BusyboxImage.binary()), 0755);
    for (String applet : List.of("sh", "sleep", "true", "cat", "id")) {
      layer.symlink("bin/" + applet, "busybox");
    }
    Path tar = dir.resolve("busybox-rootfs.tar");
    Files.write(tar, layer.build());
    return tar;
  }

  static void importInto(Podman podman, Path tar) throws IOException {
    check(podman.podman(Podman.DEADLINE, List.of("import", "--change", "ENV=PATH=/bin", tar.toString(), IMAGE)),
        "podman import");
  }

  static void importInto(Dockerd dockerd, Path tar) throws IOException {
    check(dockerd.docker("import", "--change", "ENV PATH=/bin", tar.toString(), IMAGE), "docker import");
  }

  static void start(Podman podman, Case c) throws IOException {
    List<String> args = new ArrayList<>(List.of("-d", "--name", c.name()));
    args.addAll(c.flags());
    args.addAll(List.of(IMAGE, "sleep", "600"));
    if (c.flags().contains("--network")) {
      // Podman.run's --network none and a second --network are refused together by podman 4.3
      List<String> run = new ArrayList<>(List.of("run", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
      run.addAll(args);
      check(podman.podman(Podman.DEADLINE, run), "podman run " + c.name());
    } else {
      check(podman.run(Podman.DEADLINE, args), "podman run " + c.name());
    }
  }

  static void start(Dockerd dockerd, Case c) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", c.name()));
    if (!c.flags().contains("--network")) {
      args.addAll(List.of("--network", "none"));
    }
    args.addAll(c.flags());
    args.addAll(List.of(IMAGE, "sleep", "600"));
    check(dockerd.docker(Dockerd.DEADLINE, args), "docker run " + c.name());
  }

  /**
   * Removes every container of the engine: with {@code live-restore} in its daemon.json, dockerd leaves running
   * containers (and their containerd shims) behind when it stops.
   */
  static void removeAll(Dockerd dockerd) throws IOException {
    Tools.Result ids = dockerd.docker("ps", "-aq");
    List<String> args = new ArrayList<>(List.of("rm", "-f"));
    ids.stdoutText().lines().filter(l -> !l.isBlank()).forEach(args::add);
    if (args.size() > 2) {
      check(dockerd.docker(Dockerd.DEADLINE, args), "docker rm -f");
    }
  }

  private static void check(Tools.Result r, String what) throws IOException {
    if (r.exitCode() != 0) {
      throw new IOException(what + ": exit code " + r.exitCode() + "; " + r.stderr().strip().lines().reduce((a, b) -> b).orElse(""));
    }
  }
}
