package dev.portcullis.host.check;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.host.containers.ContainerFacts;
import dev.portcullis.host.containers.ContainerSource;
import dev.portcullis.host.root.Root;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fixture host root from {@code fixtures/<CHECK-ID>/<good|bad>} copied to a temporary directory,
 * with what git cannot keep applied from {@code <good|bad>.setup}: {@code mode PATH OCTAL},
 * {@code owner PATH UID:GID}, {@code symlink PATH TARGET}, {@code cmdline PID ARGS...} (a
 * {@code proc/PID/cmdline}), {@code live} (read as a live host) and {@code containers FILE} (the
 * running containers, as {@link ContainerFacts} JSON, outside the root).
 */
record FixtureRoot(Root root, List<ContainerSource> containers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path fixtures() {
    try {
      return Path.of(FixtureRoot.class.getResource("/dev/portcullis/host/fixtures").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static FixtureRoot of(String checkId, String variant, Path tmp) throws IOException {
    Path source = fixtures().resolve(checkId).resolve(variant);
    Path target = tmp.resolve(checkId + "-" + variant);
    copy(source, target);
    Path setup = source.resolveSibling(variant + ".setup");
    boolean live = false;
    List<ContainerSource> containers = new ArrayList<>();
    if (Files.exists(setup)) {
      for (String line : Files.readAllLines(setup)) {
        String[] w = line.strip().split("\\s+");
        switch (w[0]) {
          case "" -> { }
          case "mode" -> Files.setPosixFilePermissions(target.resolve(w[1]), PosixFilePermissions.fromString(rwx(Integer.parseInt(w[2], 8))));
          case "owner" -> {
            String[] ids = w[2].split(":");
            Files.setAttribute(target.resolve(w[1]), "unix:uid", Integer.parseInt(ids[0]), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target.resolve(w[1]), "unix:gid", Integer.parseInt(ids[1]), java.nio.file.LinkOption.NOFOLLOW_LINKS);
          }
          case "symlink" -> {
            Files.createDirectories(target.resolve(w[1]).getParent());
            Files.createSymbolicLink(target.resolve(w[1]), Path.of(w[2]));
          }
          case "cmdline" -> {
            Path f = target.resolve("proc").resolve(w[1]).resolve("cmdline");
            Files.createDirectories(f.getParent());
            Files.write(f, (String.join("\0", List.of(w).subList(2, w.length)) + "\0").getBytes(StandardCharsets.UTF_8));
          }
          case "live" -> live = true;
          case "containers" -> {
            List<ContainerFacts> facts = JSON.readValue(target.resolve(w[1]).toFile(), new TypeReference<List<ContainerFacts>>() {});
            Files.delete(target.resolve(w[1]));
            containers.add(fixed("podman", facts));
          }
          default -> throw new IllegalArgumentException(setup + ": unknown line " + line);
        }
      }
    }
    return new FixtureRoot(live ? Root.simulatedLive(target) : Root.offline(target), containers);
  }

  static ContainerSource fixed(String engine, List<ContainerFacts> facts) {
    return new ContainerSource() {
      @Override
      public String engine() {
        return engine;
      }

      @Override
      public List<ContainerFacts> running(Duration deadline) {
        return facts;
      }
    };
  }

  /** Copies a tree, files 0644 and directories 0755 whatever the checkout gave them. */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
          Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(p, t);
          Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }

  static String rwx(int mode) {
    String all = "rwxrwxrwx";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? all.charAt(i) : '-');
    }
    return sb.toString();
  }
}
