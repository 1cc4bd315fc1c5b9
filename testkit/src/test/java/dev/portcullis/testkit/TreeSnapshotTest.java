package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeSnapshotTest {
  @TempDir Path tmp;

  private Path tree(String name) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    chmod(root, "rwxr-xr-x");
    Files.createDirectories(root.resolve("etc/app"));
    Files.writeString(root.resolve("etc/app/conf"), "a=1\n");
    Files.createSymbolicLink(root.resolve("etc/link"), Path.of("app/conf"));
    // explicit modes: the umask of whoever runs the tests must not matter
    chmod(root.resolve("etc"), "rwxr-xr-x");
    chmod(root.resolve("etc/app"), "rwxr-xr-x");
    chmod(root.resolve("etc/app/conf"), "rw-r--r--");
    return root;
  }

  private static void chmod(Path p, String permissions) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
  }

  @Test
  void recordsTypesModesLinkTextsAndContentsWithoutFollowingLinks() throws IOException {
    Path root = tree("a");
    chmod(root.resolve("etc/app/conf"), "rwxr-x---");
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    TreeSnapshot s = TreeSnapshot.of(root);
    assertThat(s.nodes()).containsOnlyKeys("/", "/etc", "/etc/app", "/etc/app/conf", "/etc/link", "/loop");
    assertThat(s.node("/etc/app/conf").orElseThrow().describe()).isEqualTo("file 0750 sha256:fe3209d6d4f5");
    assertThat(s.node("/etc/link").orElseThrow()).isEqualTo(new TreeSnapshot.Node(TreeSnapshot.Kind.SYMLINK, 0, "app/conf", ""));
    assertThat(s.node("/loop").orElseThrow().linkTarget()).isEqualTo("loop");
  }

  @Test
  void hardlinksAreFilesLikeAnyOther() throws IOException {
    Path a = tree("a");
    Path b = tree("b");
    Files.createLink(a.resolve("etc/hard"), a.resolve("etc/app/conf"));
    Files.writeString(b.resolve("etc/hard"), "a=1\n");
    chmod(b.resolve("etc/hard"), "rw-r--r--");
    assertThat(TreeSnapshot.of(a)).isEqualTo(TreeSnapshot.of(b));
  }

  @Test
  void theDiffNamesEveryDifferenceOnItsOwnLine() throws IOException {
    Path a = tree("a");
    Path b = tree("b");
    Files.writeString(b.resolve("etc/app/conf"), "a=2\n");
    Files.delete(b.resolve("etc/link"));
    Files.createSymbolicLink(b.resolve("etc/link"), Path.of("/etc/app/conf"));
    Files.writeString(b.resolve("extra"), "");
    chmod(b.resolve("extra"), "rw-r--r--");
    chmod(b.resolve("etc/app"), "rwx------");

    TreeSnapshot x = TreeSnapshot.of(a);
    TreeSnapshot y = TreeSnapshot.of(b);
    assertThat(x.differences(y, "left", "right")).containsExactly(
        "/etc/app: left has directory 0755, right has directory 0700",
        "/etc/app/conf: left has file 0644 sha256:" + x.node("/etc/app/conf").orElseThrow().sha256().substring(7, 19)
            + ", right has file 0644 sha256:" + y.node("/etc/app/conf").orElseThrow().sha256().substring(7, 19),
        "/etc/link: left has symlink -> app/conf, right has symlink -> /etc/app/conf",
        "only in right: /extra (file 0644 sha256:e3b0c44298fc)");
    assertThat(x.diff(y, "left", "right")).startsWith("4 differences between left (5 entries) and right (6 entries):\n  /etc/app:");
    assertThat(x.maskModes(0).filter((path, node) -> !path.equals("/extra")).diff(y.maskModes(0), "left", "right"))
        .doesNotContain("/etc/app:").contains("/etc/link");
  }
}
