package dev.portcullis.catalog.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Images;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code rpm-db-cataloger} reads from an rpm database what rpm itself does: the database is
 * written by Debian's rpm from packages rpmbuild makes here, and read back with {@code rpm -qa}.
 */
class RpmDbMatchesRpmIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String QUERY = "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\\n";

  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws IOException {
    Tools.require("rpmbuild");
    Tools.require("rpm");
  }

  private Path rpm(String name, String epoch, String version, String release, String arch, String modularityLabel, String... files)
      throws IOException {
    StringBuilder spec = new StringBuilder();
    spec.append("%global debug_package %{nil}\n").append("Name: ").append(name).append("\nVersion: ").append(version)
        .append("\nRelease: ").append(release).append("\nSummary: test package\nLicense: MIT\nVendor: Portcullis Tests\n")
        .append("BuildArch: ").append(arch).append('\n');
    if (!epoch.isEmpty()) {
      spec.append("Epoch: ").append(epoch).append('\n');
    }
    spec.append("%description\ntest package\n%install\n");
    for (String f : files) {
      spec.append("mkdir -p %{buildroot}").append(f, 0, f.lastIndexOf('/')).append("\necho ").append(name).append(" > %{buildroot}").append(f).append('\n');
    }
    spec.append("%files\n");
    for (String f : files) {
      spec.append(f).append('\n');
    }
    Path top = tmp.resolve("top-" + name);
    Path specFile = tmp.resolve(name + ".spec");
    Files.writeString(specFile, spec);
    List<String> cmd = new ArrayList<>(List.of("rpmbuild", "-bb", "--define", "_topdir " + top));
    if (!modularityLabel.isEmpty()) {
      cmd.addAll(List.of("--define", "modularitylabel " + modularityLabel));
    }
    cmd.add(specFile.toString());
    Tools.run(TIMEOUT, cmd);
    try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
      return s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
    }
  }

  @Test
  void packagesAndFilesAreThoseRpmQueries() throws IOException {
    List<Path> rpms = List.of(
        rpm("hello", "2", "1.2", "3.fc40", "noarch", "", "/usr/bin/hello", "/usr/share/hello/README"),
        rpm("libfoo", "", "0.9.1", "1.fc40", "x86_64", "", "/usr/lib64/libfoo.so.0", "/usr/share/doc/libfoo/NEWS"),
        rpm("perl-Tiny", "", "5.30", "4.module_f40", "noarch", "perl:5.30:4020:abc123", "/usr/share/perl5/Tiny.pm"));
    Path db = tmp.resolve("db");
    Tools.run(TIMEOUT, "rpm", "--initdb", "--dbpath", db.toString());
    for (Path r : rpms) {
      Tools.run(TIMEOUT, "rpm", "-i", "--justdb", "--nodeps", "--dbpath", db.toString(), r.toString());
    }
    assertThat(db.resolve("rpmdb.sqlite")).as("rpm 4.16+ writes the sqlite backend").exists();
    Set<String> expected = lines(Tools.run(TIMEOUT, "rpm", "-qa", "--dbpath", db.toString(), "--qf", QUERY).stdoutText());
    Set<String> expectedFiles = lines(Tools.run(TIMEOUT, "rpm", "-qal", "--dbpath", db.toString()).stdoutText());

    Path layout = tmp.resolve("layout");
    new OciLayoutBuilder().layer(new LayerBuilder()
        .file("etc/os-release", "ID=fedora\nVERSION_ID=40\nPRETTY_NAME=\"Fedora Linux 40\"\n")
        .file("var/lib/rpm/rpmdb.sqlite", Files.readAllBytes(db.resolve("rpmdb.sqlite")), 0644)).write(layout);
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1000));
      Catalog catalog = Catalog.of(tree, List.of(new RpmCataloger()), tmp);
      CatalogResult result = new RpmCataloger().catalog(tree, new CatalogContext(catalog.distro().orElseThrow(), tmp, 1 << 20));

      assertThat(catalog.unknowns()).isEmpty();
      Set<String> actual = catalog.packages().stream().map(RpmDbMatchesRpmIT::asRpmQueryLine).collect(Collectors.toCollection(TreeSet::new));
      assertThat(actual).isEqualTo(expected).hasSize(3);
      assertThat(result.ownedFiles().keySet()).isEqualTo(expectedFiles);
      assertThat(result.ownedFiles()).containsEntry("/usr/lib64/libfoo.so.0", "libfoo");

      Package hello = catalog.packages().stream().filter(p -> p.name().equals("hello")).findFirst().orElseThrow();
      assertThat(hello.purl()).isEqualTo("pkg:rpm/fedora/hello@1.2-3.fc40?arch=noarch&distro=fedora-40&epoch=2");
      assertThat(hello.version()).isEqualTo("2:1.2-3.fc40");
      assertThat(hello.source()).isEqualTo(new Package.SourcePackage("hello", "1.2-3.fc40"));
      assertThat(hello.metadata()).containsEntry("vendor", "Portcullis Tests");
      Package perl = catalog.packages().stream().filter(p -> p.name().equals("perl-Tiny")).findFirst().orElseThrow();
      assertThat(perl.metadata()).containsEntry("modularityLabel", "perl:5.30:4020:abc123");
      assertThat(perl.purl()).isEqualTo("pkg:rpm/fedora/perl-Tiny@5.30-4.module_f40?arch=noarch&distro=fedora-40");
    }
  }

  /** The line {@link #QUERY} makes rpm print for the same package. */
  private static String asRpmQueryLine(Package p) {
    return String.join(" ", p.name(), p.metadata().getOrDefault("epoch", "(none)"), p.version().replaceFirst("^\\d+:", "").replaceFirst("-[^-]*$", ""),
        p.metadata().get("release"), p.metadata().get("arch"), p.metadata().get("sourceRpm"));
  }

  private static Set<String> lines(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toCollection(TreeSet::new));
  }
}
