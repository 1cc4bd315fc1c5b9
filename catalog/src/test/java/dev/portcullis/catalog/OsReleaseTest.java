package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Distro;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsReleaseTest {
  @TempDir Path tmp;

  private Optional<Distro> detect(LayerBuilder layer) throws IOException {
    Path dir = tmp.resolve("l" + System.nanoTime());
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      return OsRelease.detect(FileTree.read(image, new LayerScanner(null, 1000)));
    }
  }

  @Test
  void debianOsReleaseThroughTheUsrLibSymlink() throws IOException {
    // Debian 12's /etc/os-release is a symlink to ../usr/lib/os-release
    Optional<Distro> d = detect(new LayerBuilder().symlink("etc/os-release", "../usr/lib/os-release").file("usr/lib/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n").file("bin/sh", "x"));
    assertThat(d).contains(new Distro("debian", "12", "Debian GNU/Linux 12 (bookworm)", java.util.List.of()));
  }

  @Test
  void distrolessIsDebianWithoutAShellAndWithStatusD() throws IOException {
    Optional<Distro> d = detect(new LayerBuilder().file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
        .file("var/lib/dpkg/status.d/libc6", "Package: libc6\n"));
    assertThat(d.orElseThrow().prettyName()).startsWith("Distroless");
  }

  @Test
  void fallbacksAndIdLike() throws IOException {
    assertThat(detect(new LayerBuilder().file("etc/alpine-release", "3.20.3\n")).orElseThrow().versionId()).isEqualTo("3.20.3");
    assertThat(detect(new LayerBuilder().file("etc/debian_version", "12.8\n")).orElseThrow()).isEqualTo(new Distro("debian", "12", "Debian 12.8", java.util.List.of()));
    assertThat(detect(new LayerBuilder().file("etc/redhat-release", "Rocky Linux release 9.4 (Blue Onyx)\n")).orElseThrow().id()).isEqualTo("rocky");
    Distro ubi = detect(new LayerBuilder().file("etc/os-release", "ID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\n")).orElseThrow();
    assertThat(ubi.idLike()).containsExactly("fedora");
    assertThat(detect(new LayerBuilder().file("hello", "x"))).isEmpty();
  }
}
