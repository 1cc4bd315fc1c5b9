package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodmanIT {
  private static RegistryProcess registry;
  private static BusyboxImage.Pushed image;

  @BeforeAll
  static void pushImage() throws Exception {
    registry = RegistryProcess.start();
    image = BusyboxImage.push(registry, "busybox", "podman");
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void runsAnImagePulledFromTheLocalRegistryByDigest() throws Exception {
    try (Podman podman = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry))) {
      podman.pull(image.digestReference());

      Tools.Result ok = podman.run("--rm", image.digestReference(), "/bin/true");
      Tools.Result variant = podman.run("--rm", image.digestReference(), "cat", "/etc/portcullis-variant");
      Tools.Result fails = podman.run("--rm", image.digestReference(), "/bin/false");

      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(variant.stdoutText()).isEqualTo("busybox:podman\n");
      assertThat(fails.exitCode()).isEqualTo(1);
    }
  }

  @Test
  void aPrestartHookThatFailsStopsTheContainerWithExitCode126AndItsMessage(@TempDir Path dir) throws Exception {
    Path hooks = Files.createDirectories(dir.resolve("hooks.d"));
    Path marker = dir.resolve("container-ran");
    Path script = dir.resolve("deny.sh");
    Files.writeString(script, "#!/bin/sh\ncat >/dev/null\necho 'test-hook: image not approved' >&2\nexit 1\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(hooks.resolve("deny.json"), """
        {"version": "1.0.0", "hook": {"path": "%s"}, "when": {"always": true}, "stages": ["prestart"]}
        """.formatted(script));
    try (Podman podman = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks))) {
      podman.pull(image.reference());

      Tools.Result denied = podman.run("--rm", "-v", dir + ":/out", image.reference(), "sh", "-c", "echo ran > /out/container-ran");

      assertThat(denied.exitCode()).isEqualTo(126);
      assertThat(denied.stderr()).contains("test-hook: image not approved");
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void aHookThatSucceedsLetsTheContainerRun(@TempDir Path dir) throws Exception {
    Path hooks = Files.createDirectories(dir.resolve("hooks.d"));
    Path seen = dir.resolve("hook-saw-state");
    Path script = dir.resolve("allow.sh");
    Files.writeString(script, "#!/bin/sh\ncat > " + seen + "\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(hooks.resolve("allow.json"), """
        {"version": "1.0.0", "hook": {"path": "%s"}, "when": {"always": true}, "stages": ["prestart"]}
        """.formatted(script));
    try (Podman podman = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks))) {
      podman.pull(image.reference());

      Tools.Result ok = podman.run("--rm", image.reference(), "/bin/true");

      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(Files.readString(seen)).contains("\"bundle\"").contains("\"status\"");
    }
  }
}
