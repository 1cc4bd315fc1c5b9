package dev.portcullis.oci.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.it.ImageForms.Form;
import dev.portcullis.oci.tree.DeletedEntry;
import dev.portcullis.oci.tree.DeletedEntry.Removal;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileTree.LinkStatus;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the squashed tree says about the fixtures, checked against their Dockerfiles: deleted files
 * are gone but listed as deleted, opaque directories hide lower layers, every file knows the build
 * step that brought it, and links resolve (or fail to) as a container runtime would.
 */
class FileTreeFactsIT {
  @BeforeAll
  static void tools() throws IOException {
    Tools.require("buildah");
    Tools.require("skopeo");
    Tools.require("umoci");
  }

  @ParameterizedTest(name = "whiteouts as {0}")
  @EnumSource(Form.class)
  void whiteoutsAndOpaqueDirectoriesDeleteFromLowerLayers(Form form) throws IOException {
    try (Image image = ImageForms.variant("whiteouts", form).open()) {
      FileTree t = tree(image);
      int copy = layerMadeBy(image, "COPY ");
      int make = layerMadeBy(image, "echo old > /data/old");
      int remove = layerMadeBy(image, "rm /etc/app/secret.key");
      int refill = layerMadeBy(image, "rm -rf /data && mkdir /data");

      assertThat(t.file("/etc/app/keep.conf")).map(FileEntry::layer).contains(copy);
      assertThat(t.file("/etc/app/secret.key")).isEmpty();
      assertThat(deleted(t, "/etc/app/secret.key")).hasValueSatisfying(d -> {
        assertThat(d.how()).isEqualTo(Removal.WHITEOUT);
        assertThat(d.removedBy()).isEqualTo(remove);
        assertThat(d.entry().layer()).isEqualTo(copy);
      });
      assertThat(t.file("/etc/issue.net")).as("a base-image file deleted by a RUN").isEmpty();
      assertThat(deleted(t, "/etc/issue.net")).hasValueSatisfying(d -> assertThat(d.entry().layer()).isZero());
      assertThat(t.file("/var/gone")).isEmpty();
      assertThat(t.file("/var/gone/g")).isEmpty();
      assertThat(deleted(t, "/var/gone/g")).hasValueSatisfying(d -> assertThat(d.removedBy()).isEqualTo(remove));

      // RUN rm -rf /data && mkdir /data: overlay writes data/.wh..wh..opq
      assertThat(t.file("/data/new")).map(FileEntry::layer).contains(refill);
      assertThat(read(t, "/data/new")).isEqualTo("new\n");
      assertThat(t.entries()).extracting(FileEntry::path).filteredOn(p -> p.startsWith("/data/")).containsExactly("/data/new");
      assertThat(deleted(t, "/data/old")).hasValueSatisfying(d -> {
        assertThat(d.how()).isEqualTo(Removal.OPAQUE_DIRECTORY);
        assertThat(d.removedBy()).isEqualTo(refill);
        assertThat(d.entry().layer()).isEqualTo(make);
      });
      assertThat(deleted(t, "/data/sub/deep")).hasValueSatisfying(d -> assertThat(d.how()).isEqualTo(Removal.OPAQUE_DIRECTORY));

      assertThat(t.file("/srv/dir-becomes-file")).hasValueSatisfying(e -> {
        assertThat(e.type()).isEqualTo(FileType.REGULAR);
        assertThat(e.layer()).isEqualTo(remove);
      });
      assertThat(t.file("/srv/dir-becomes-file/a")).isEmpty();
      assertThat(deleted(t, "/srv/dir-becomes-file/a")).hasValueSatisfying(d -> assertThat(d.entry().layer()).isEqualTo(make));
      assertThat(t.file("/srv/file-becomes-dir")).map(FileEntry::type).contains(FileType.DIRECTORY);
      assertThat(t.file("/srv/file-becomes-dir/inside")).map(FileEntry::layer).contains(remove);
      assertThat(deleted(t, "/srv/file-becomes-dir")).hasValueSatisfying(d -> assertThat(d.entry().type()).isEqualTo(FileType.REGULAR));

      FileEntry passwd = t.file("/etc/passwd").orElseThrow();
      assertThat(passwd.layer()).isZero();
      assertThat(t.layer(passwd).createdBy()).contains(Debootstrap.CREATED_BY);
      assertThat(t.layer(t.file("/data/new").orElseThrow()).createdBy()).hasValueSatisfying(c -> assertThat(c).contains("echo new > /data/new"));
    }
  }

  @ParameterizedTest(name = "links as {0}")
  @EnumSource(Form.class)
  void linksResolveAsInAContainer(Form form) throws IOException {
    try (Image image = ImageForms.variant("links", form).open()) {
      FileTree t = tree(image);
      int first = layerMadeBy(image, "ln -s /opt/v2 /opt/current");
      int second = layerMadeBy(image, "ln /etc/debian_version /srv/debian_version.hard");
      int copy = layerMadeBy(image, "COPY ");
      int umoci = image.layers().size() - 1;
      assertThat(image.layers().get(umoci).createdBy()).contains("umoci insert");

      // a symlinked directory written through, by RUN, COPY and a tar entry naming the link itself
      assertThat(t.file("/opt/current")).hasValueSatisfying(e -> {
        assertThat(e.type()).isEqualTo(FileType.SYMLINK);
        assertThat(e.linkTarget()).isEqualTo("/opt/v2");
      });
      assertThat(t.file("/opt/v2/added-by-run")).map(FileEntry::layer).contains(second);
      assertThat(t.file("/opt/v2/added-by-copy")).map(FileEntry::layer).contains(copy);
      assertThat(t.file("/opt/v2/added-by-umoci")).map(FileEntry::layer).contains(umoci);
      assertThat(t.file("/opt/current/added-by-umoci")).map(FileEntry::path).contains("/opt/v2/added-by-umoci");
      assertThat(read(t, "/opt/current/added-by-umoci")).isEqualTo("via-umoci\n");
      assertThat(t.entries()).extracting(FileEntry::path).noneMatch(p -> p.startsWith("/opt/current/"));
      assertThat(t.resolve("/opt/current/app")).map(FileEntry::path).contains("/opt/v2/app");

      assertThat(t.linkStatus(t.file("/loop-a").orElseThrow())).isInstanceOf(LinkStatus.Loop.class);
      assertThat(t.linkStatus(t.file("/dangling").orElseThrow())).isEqualTo(new LinkStatus.Dangling("/nowhere/at/all"));
      assertThat(t.linkStatus(t.file("/chain-a").orElseThrow())).isInstanceOfSatisfying(LinkStatus.Resolved.class,
          r -> assertThat(r.target().path()).isEqualTo("/chain-c"));
      // ../etc/os-release, then Debian's own etc/os-release -> ../usr/lib/os-release
      assertThat(t.linkStatus(t.file("/rel-os-release").orElseThrow())).isInstanceOfSatisfying(LinkStatus.Resolved.class,
          r -> assertThat(r.target().path()).isEqualTo("/usr/lib/os-release"));
      assertThat(t.file("/chain-a").orElseThrow().layer()).isEqualTo(first);

      // three names of one inode: the tar writer stores the first it meets, the others link to it
      List<FileEntry> shared = List.of(t.file("/opt/v1/data.hard").orElseThrow(), t.file("/srv/data").orElseThrow(), t.file("/srv/data.hard").orElseThrow());
      assertThat(shared).filteredOn(e -> e.type() == FileType.REGULAR).extracting(FileEntry::path).containsExactly("/opt/v1/data.hard");
      assertThat(shared).filteredOn(e -> e.type() == FileType.HARDLINK).extracting(FileEntry::linkTarget).containsOnly("/opt/v1/data.hard");
      for (FileEntry e : shared) {
        assertThat(read(t, e.path())).isEqualTo("shared\n");
      }
      // a hardlink to a base-layer file: overlay copies the file up, so both come with the new layer
      assertThat(t.file("/srv/debian_version.hard")).hasValueSatisfying(e -> {
        assertThat(e.type()).isEqualTo(FileType.HARDLINK);
        assertThat(e.linkTarget()).isEqualTo("/etc/debian_version");
        assertThat(e.layer()).isEqualTo(second);
      });
      assertThat(t.file("/etc/debian_version")).map(FileEntry::layer).contains(second);
      assertThat(read(t, "/srv/debian_version.hard")).isEqualTo(read(t, "/etc/debian_version")).matches("\\d+\\.\\d+\\n");
      assertThat(deleted(t, "/etc/debian_version")).hasValueSatisfying(d -> {
        assertThat(d.how()).isEqualTo(Removal.REPLACED);
        assertThat(d.entry().layer()).isZero();
      });

      assertThat(t.file("/srv/fifo")).map(FileEntry::type).contains(FileType.FIFO);
    }
  }

  @ParameterizedTest(name = "debootstrap as {0}")
  @EnumSource(Form.class)
  void debootstrapIsARealDebian(Form form) throws IOException {
    try (Image image = ImageForms.variant("debootstrap", form).open()) {
      FileTree t = tree(image);
      assertThat(image.layers()).hasSize(1);
      assertThat(image.layers().get(0).createdBy()).contains(Debootstrap.CREATED_BY);
      assertThat(t.deleted()).isEmpty();

      assertThat(t.file("/bin")).hasValueSatisfying(e -> {
        assertThat(e.type()).isEqualTo(FileType.SYMLINK);
        assertThat(e.linkTarget()).isEqualTo("usr/bin");
      });
      assertThat(t.resolve("/bin/sh")).map(FileEntry::path).contains("/usr/bin/dash");
      assertThat(read(t, "/var/lib/dpkg/status")).contains("Package: dpkg\n", "Status: install ok installed");
      assertThat(t.file("/dev/null")).map(FileEntry::type).contains(FileType.CHAR_DEVICE);
      assertThat(t.file("/usr/bin/su")).map(FileEntry::permissions).contains("rwsr-xr-x");
      assertThat(t.file("/tmp")).map(FileEntry::permissions).contains("rwxrwxrwt");
    }
  }

  private static FileTree tree(Image image) throws IOException {
    return FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
  }

  /** The index of the one layer whose {@code created_by} contains {@code fragment}. */
  private static int layerMadeBy(Image image, String fragment) {
    List<Layer> matching = image.layers().stream().filter(l -> l.createdBy().orElse("").contains(fragment)).toList();
    assertThat(matching).as("layers made by a step containing '%s'", fragment).hasSize(1);
    return matching.get(0).index();
  }

  /** The last removal of {@code path}. */
  private static Optional<DeletedEntry> deleted(FileTree t, String path) {
    return t.deleted().stream().filter(d -> d.entry().path().equals(path)).reduce((a, b) -> b);
  }

  private static String read(FileTree t, String path) throws IOException {
    try (InputStream in = t.open(t.resolve(path).orElseThrow(() -> new AssertionError("no " + path + " in the tree")))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
