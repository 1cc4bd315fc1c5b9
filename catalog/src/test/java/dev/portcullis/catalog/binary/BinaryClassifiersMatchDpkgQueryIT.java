package dev.portcullis.catalog.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each runtime and server of Debian bookworm that a classifier knows, installed by apt: the
 * classifier finds the version that {@code dpkg-query} gives the package owning the file (its
 * upstream part, see {@link #upstream}); with the package database in the image, the binaries are
 * left to their Debian packages; copied alone into a scratch image, they are all found again, and
 * survive a CycloneDX round trip.
 * (openjdk-17-jre-headless is not installed here: its maintainer script fails in a chroot; the
 * machine's own Debian JDKs are checked instead, and {@link BinaryClassifierCatalogerTest} reads a
 * copy of one's {@code release} file.)
 */
class BinaryClassifiersMatchDpkgQueryIT {
  private static final List<String> PACKAGES = List.of("apache2-bin", "busybox", "curl", "libcurl4", "libssl3", "nginx", "nodejs", "openssl",
      "perl", "php8.2-cli", "postgresql-15", "python3.11", "redis-server", "ruby3.1");
  private static final String LIB = "/usr/lib/x86_64-linux-gnu/";
  // classifier and the regular file it identifies
  private static final List<List<String>> FILES = List.of(
      List.of("nginx", "/usr/sbin/nginx"),
      // Debian links redis-server to redis-check-rdb, one program
      List.of("redis", "/usr/bin/redis-check-rdb"),
      List.of("httpd", "/usr/sbin/apache2"),
      List.of("openssl", "/usr/bin/openssl"),
      List.of("openssl", LIB + "libcrypto.so.3"),
      List.of("curl", "/usr/bin/curl"),
      List.of("libcurl", LIB + "libcurl.so.4.8.0"),
      List.of("busybox", "/usr/bin/busybox"),
      List.of("postgresql", "/usr/lib/postgresql/15/bin/postgres"),
      List.of("php-cli", "/usr/bin/php8.2"),
      List.of("ruby", LIB + "libruby-3.1.so.3.1.2"),
      List.of("perl", "/usr/bin/perl"),
      List.of("perl", LIB + "libperl.so.5.36.0"),
      List.of("python", "/usr/bin/python3.11"),
      List.of("node", LIB + "libnode.so.108"));
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  @TempDir static Path tmp;
  private static DebootstrapWithPackages.Image debian;
  /** "classifier path version purl" per file, the version from dpkg-query. */
  private static Set<String> expected;

  @BeforeAll
  static void install() throws IOException {
    Tools.require("dpkg-query");
    debian = DebootstrapWithPackages.of(PACKAGES);
    expected = new TreeSet<>();
    for (List<String> f : FILES) {
      Path file = debian.rootfs().resolve(f.get(1).substring(1));
      assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).as(f.get(1) + " is a regular file").isTrue();
      String version = upstream(dpkgQuery("-W", "-f", "${Version}", owner(f.get(1))));
      String purlName = Classifiers.builtIn().stream().filter(c -> c.name().equals(f.get(0))).findFirst().orElseThrow().packageName();
      expected.add(f.get(0) + " " + f.get(1) + " " + version + " pkg:generic/" + purlName + "@" + version);
    }
  }

  @Test
  void eachBinaryHasTheUpstreamVersionOfItsDebianPackage() throws IOException {
    Catalog alone = catalog(debian.layout(), List.of(new BinaryClassifierCataloger()));
    assertThat(alone.unknowns()).isEmpty();
    assertThat(identified(alone)).containsAll(expected);
  }

  @Test
  void withTheirPackageDatabaseTheBinariesAreTheirDebianPackagesOnly() throws IOException {
    Catalog full = catalog(debian.layout(), Catalogers.defaults());
    assertThat(full.packages()).filteredOn(p -> p.ecosystem() == Ecosystem.DEBIAN).extracting(Package::name).containsAll(PACKAGES);
    assertThat(full.packages()).filteredOn(p -> p.ecosystem() == Ecosystem.GENERIC).isEmpty();
  }

  @Test
  void copiedIntoAScratchImageEachBinaryIsFound() throws IOException {
    LayerBuilder layer = new LayerBuilder();
    for (List<String> f : FILES) {
      Path file = debian.rootfs().resolve(f.get(1).substring(1));
      boolean executable = Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
      layer.file(f.get(1).substring(1), Files.readAllBytes(file), executable ? 0755 : 0644);
    }
    Path layout = tmp.resolve("scratch");
    new OciLayoutBuilder().layer(layer).write(layout);
    Catalog scratch = catalog(layout, Catalogers.defaults());
    assertThat(scratch.distro()).isEmpty();
    assertThat(scratch.unknowns()).isEmpty();
    assertThat(identified(scratch)).isEqualTo(expected);
    SbomAssertions.roundTripsThroughCycloneDx(scratch, tmp);
  }

  @Test
  void theJdksThisDebianMachineInstalledHaveTheVersionsOfTheirPackages() throws IOException {
    // the JDK's package does not install in a chroot: the machine's own Debian JDKs stand in, where it has some
    Path jvm = Path.of("/usr/lib/jvm");
    List<Path> releases;
    try (var dirs = Files.list(jvm)) {
      releases = dirs.filter(d -> !Files.isSymbolicLink(d)).map(d -> d.resolve("release")).filter(Files::isRegularFile).sorted().toList();
    } catch (java.nio.file.NoSuchFileException none) {
      releases = List.of();
    }
    LayerBuilder layer = new LayerBuilder();
    Set<String> debianJdks = new TreeSet<>();
    for (Path release : releases) {
      String owner;
      try {
        owner = Tools.run(TIMEOUT, "dpkg-query", "-S", release.toString()).stdoutText().strip();
      } catch (Tools.ToolException notFromAPackage) {
        continue;
      }
      String version = upstream(Tools.run(TIMEOUT, "dpkg-query", "-W", "-f", "${Version}", owner.substring(0, owner.indexOf(':'))).stdoutText());
      layer.file(release.toString().substring(1), Files.readAllBytes(release), 0644);
      debianJdks.add("openjdk " + release + " " + version + " pkg:generic/oracle/openjdk@" + version);
    }
    org.junit.jupiter.api.Assumptions.assumeFalse(debianJdks.isEmpty(), "no JDK from a Debian package under " + jvm);
    Path layout = tmp.resolve("scratch-jdk");
    new OciLayoutBuilder().layer(layer).write(layout);
    assertThat(identified(catalog(layout, Catalogers.defaults()))).isEqualTo(debianJdks);
  }

  /**
   * The upstream part of a Debian version, as the binaries state it: no epoch ({@code 1:}), no
   * Debian revision (from the last {@code -}), and no repack suffix ({@code +dfsg}, {@code ~rc}).
   */
  static String upstream(String debianVersion) {
    String v = debianVersion.substring(debianVersion.indexOf(':') + 1);
    v = v.contains("-") ? v.substring(0, v.lastIndexOf('-')) : v;
    return v.split("[+~]", 2)[0];
  }

  private static Set<String> identified(Catalog catalog) {
    return catalog.packages().stream().filter(p -> p.ecosystem() == Ecosystem.GENERIC)
        .map(p -> p.metadata().get("classifier") + " " + p.location().path() + " " + p.version() + " " + p.purl())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The package dpkg lists {@code path} for, as the tree has it or as dpkg lists it before merged /usr. */
  private static String owner(String path) throws IOException {
    for (String listed : List.of(path, path.replaceFirst("^/usr/(s?bin|lib)/", "/$1/"))) {
      String line;
      try {
        line = dpkgQuery("-S", listed);
      } catch (Tools.ToolException notListed) {
        continue;
      }
      return line.substring(0, line.indexOf(':'));
    }
    throw new AssertionError("no Debian package lists " + path);
  }

  private static String dpkgQuery(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("dpkg-query", "--admindir=" + debian.rootfs().resolve("var/lib/dpkg")));
    command.addAll(List.of(args));
    return Tools.run(TIMEOUT, command).stdoutText().strip();
  }

  private static Catalog catalog(Path layout, List<Cataloger> catalogers) throws IOException {
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      return Catalog.read(image, new LayerScanner(null, 1_000_000), catalogers, tmp);
    }
  }
}
