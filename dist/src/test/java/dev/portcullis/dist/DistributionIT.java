package dev.portcullis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a user gets it: the tarball the build made, extracted afresh and run with nothing but its
 * own {@code bin} on the PATH (no JDK, no Maven); its checksums and signature, its SBOM against the jars it
 * ships, its runtime against what the jar needs, and its container image scanned by the release itself.
 */
class DistributionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final Path ROOT = Path.of(System.getProperty("portcullis.root", "..")).toAbsolutePath().normalize();
  private static final Path TARGET = ROOT.resolve("dist/target");

  @TempDir static Path tmp;
  static Path tarball;
  static Path home;
  static String version;

  @BeforeAll
  static void extract() throws Exception {
    try (Stream<Path> files = Files.list(TARGET)) {
      tarball = files.filter(f -> f.getFileName().toString().matches("portcullis-.*-linux-x86_64\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no release tarball in " + TARGET + " (mvn package makes it)"));
    }
    String name = tarball.getFileName().toString().replace(".tar.gz", "");
    version = name.substring("portcullis-".length(), name.length() - "-linux-x86_64".length());
    Tools.run(DEADLINE, "tar", "-xzf", tarball.toString(), "-C", tmp.toString());
    home = tmp.resolve(name);
  }

  /** The release's own launcher with an empty environment but its bin on the PATH, in {@code dir}. */
  static Tools.Result portcullis(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + home.resolve("bin"), "HOME=" + tmp.resolve("user-home"), "/bin/sh", "-c",
        "cd \"$0\" && exec portcullis \"$@\"", dir.toString()));
    command.addAll(List.of(args));
    return Tools.run(DEADLINE, command);
  }

  static String out(Tools.Result r) {
    return new String(r.stdout(), StandardCharsets.UTF_8);
  }

  @Test
  void theTarballHoldsARuntimeTheLauncherCompletionManPagesAndTheSbom() {
    for (String file : List.of("bin/portcullis", "runtime/bin/java", "runtime/release", "lib/portcullis.jar", "lib/native/libsqlitejdbc.so", "lib/compiler-directives.json",
        "share/bash-completion/completions/portcullis",
        "share/man/man1/portcullis.1", "share/man/man1/portcullis-scan.1", "share/man/man1/portcullis-sign-blob.1", "share/doc/portcullis/portcullis.cdx.json")) {
      assertThat(home.resolve(file)).as(file).isRegularFile();
    }
    assertThat(home.resolve("runtime/bin/javac")).doesNotExist();
    assertThat(home.resolve("runtime/jmods")).doesNotExist();
    if (javaMajor() >= 25) {
      assertThat(home.resolve("lib/portcullis.aot")).isRegularFile();
      assertThat(home.resolve("lib/help.aot")).isRegularFile();
    }
  }

  @Test
  void itRunsWithNothingButItsOwnBinOnThePath() throws Exception {
    Tools.Result v = portcullis(tmp, "--version");
    assertThat(out(v)).isEqualTo("portcullis " + version + "\n");
    assertThat(v.stderr()).isEmpty();

    Path db = tmp.resolve("db");
    Tools.Result imported = portcullis(tmp, "db", "import", "--db", db.toString(), ROOT.resolve("examples/hello/advisories").toString());
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    Tools.Result scan = portcullis(tmp, "scan", "--db", db.toString(), "--format", "json", "oci-dir:" + ROOT.resolve("examples/hello/image"));
    assertThat(scan.exitCode()).as(scan.stderr()).isZero();
    assertThat(scan.stderr()).isEmpty();
    JsonNode findings = JSON.readTree(scan.stdout()).path("findings");
    assertThat(findings).isNotEmpty();
  }

  /**
   * The start-up caches are not only shipped but accepted: the JVM refuses a cache made for a jar of another size or
   * time. {@code --version} and {@code help} use the one for help and the version, a scan the one trained on a scan;
   * the JVM's log of the cache says which one it opened.
   */
  @Test
  void theLauncherUsesItsStartUpCachesAsExtracted() throws Exception {
    if (javaMajor() < 25) {
      return;
    }
    Path db = tmp.resolve("aot-db");
    assertThat(portcullis(tmp, "db", "import", "--db", db.toString(), ROOT.resolve("examples/hello/advisories").toString()).exitCode()).isZero();
    Map<List<String>, String> caches = new LinkedHashMap<>();
    caches.put(List.of("--version"), "lib/help.aot");
    caches.put(List.of("help", "scan"), "lib/help.aot");
    caches.put(List.of("scan", "--quiet", "--db", db.toString(), "oci-dir:" + ROOT.resolve("examples/hello/image")), "lib/portcullis.aot");
    for (Map.Entry<List<String>, String> c : caches.entrySet()) {
      List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + home.resolve("bin"), "HOME=" + tmp.resolve("user-home"),
          "PORTCULLIS_JAVA_OPTS=-Xmx512m -XX:AOTMode=on -Xlog:aot=info:file=" + tmp.resolve("aot.log"), "portcullis"));
      command.addAll(c.getKey());
      Tools.Result v = Tools.run(DEADLINE, command);
      assertThat(v.exitCode()).as(c.getKey() + ": the JVM with -XX:AOTMode=on, which fails when the cache cannot be used: " + v.stderr()).isZero();
      assertThat(Files.readString(tmp.resolve("aot.log"))).as(c.getKey().toString()).contains("Opened AOT cache " + home.toRealPath().resolve(c.getValue()) + ".");
    }
    assertThat(out(portcullis(tmp, "--version"))).isEqualTo("portcullis " + version + "\n");
  }

  /** Commands that run and end get compile thresholds twice HotSpot's, the daemons HotSpot's own; a user's setting wins. */
  @Test
  void theLauncherDoublesTheCompileThresholdsOfCommandsThatRunAndEnd() throws Exception {
    assertThat(compileThresholdScaling("", "--version")).isEqualTo("2.000000");
    assertThat(compileThresholdScaling("", "server", "--help")).isEqualTo("1.000000");
    assertThat(compileThresholdScaling(" -XX:CompileThresholdScaling=0.5", "--version")).isEqualTo("0.500000");
  }

  /** Commands that run and end keep their heap in transparent huge pages, the daemons do not; a user's page setting wins. */
  @Test
  void theLauncherGivesCommandsThatRunAndEndTransparentHugePages() throws Exception {
    Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    // where the system has them off, the JVM turns the flag off (and says so on a log the launcher silences)
    boolean offered = Files.exists(mode) && !Files.readString(mode).contains("[never]");
    assertThat(finalFlag("bool UseTransparentHugePages ", "", "--version")).isEqualTo(offered ? "true" : "false");
    assertThat(finalFlag("bool UseTransparentHugePages ", "", "server", "--help")).isEqualTo("false");
    assertThat(finalFlag("bool UseTransparentHugePages ", " -XX:-UseTransparentHugePages", "--version")).isEqualTo("false");
  }

  /** The value of HotSpot's {@code CompileThresholdScaling} in the JVM the launcher starts for {@code args}. */
  private static String compileThresholdScaling(String options, String... args) throws Exception {
    return finalFlag("double CompileThresholdScaling ", options, args);
  }

  /** The value of the HotSpot flag that {@code -XX:+PrintFlagsFinal} prints after {@code prefix}, in the JVM the launcher starts for {@code args}. */
  private static String finalFlag(String prefix, String options, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + home.resolve("bin"), "HOME=" + tmp.resolve("user-home"),
        "PORTCULLIS_JAVA_OPTS=-Xmx512m -XX:+PrintFlagsFinal" + options, "portcullis"));
    command.addAll(List.of(args));
    Tools.Result r = Tools.run(DEADLINE, command);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return out(r).lines().map(String::strip).filter(l -> l.startsWith(prefix))
        .map(l -> l.split("\\s+")[3]).findFirst().orElseThrow();
  }

  /**
   * The launcher loads sqlite-jdbc's native library from {@code lib/native} in place: with a temporary
   * directory that does not exist, where sqlite-jdbc would otherwise copy it out of the jar, the
   * database still opens.
   */
  @Test
  void theDatabaseOpensWithTheNativeLibraryShippedBesideTheJar() throws Exception {
    Path db = tmp.resolve("native-db");
    List<String> command = List.of("env", "-i", "PATH=" + home.resolve("bin"), "HOME=" + tmp.resolve("user-home"),
        "PORTCULLIS_JAVA_OPTS=-Xmx512m -Djava.io.tmpdir=" + tmp.resolve("no-such-dir"), "portcullis", "db", "import", "--db", db.toString(),
        ROOT.resolve("examples/hello/advisories").toString());
    Tools.Result imported = Tools.run(DEADLINE, command);
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    assertThat(db).isRegularFile();
  }

  @Test
  void itScansAProjectDirectoryGivenAsDirDotWithNothingButItsOwnBinOnThePath() throws Exception {
    Path project = tmp.resolve("project");
    Path fixtures = ROOT.resolve("catalog/src/test/resources/dev/portcullis/catalog");
    Files.createDirectories(project.resolve("web"));
    Files.createDirectories(project.resolve("engine"));
    Files.copy(fixtures.resolve("npm/locks/srv/v3/package-lock.json"), project.resolve("web/package-lock.json"));
    Files.copy(fixtures.resolve("rust/locks/src/app/Cargo.lock"), project.resolve("engine/Cargo.lock"));
    Path db = tmp.resolve("dir-db");
    assertThat(portcullis(tmp, "db", "import", "--db", db.toString(), ROOT.resolve("examples/hello/advisories").toString()).exitCode()).isZero();

    Tools.Result scan = portcullis(project, "scan", "--db", db.toString(), "--format", "json", "dir:.");
    assertThat(scan.exitCode()).as(scan.stderr()).isZero();
    Tools.Result sbom = portcullis(project, "sbom", "--format", "json", "dir:.");
    assertThat(sbom.exitCode()).as(sbom.stderr()).isZero();
    List<String> purls = new ArrayList<>();
    JSON.readTree(sbom.stdout()).path("packages").forEach(p -> purls.add(p.path("purl").asText()));
    assertThat(purls).anyMatch(p -> p.startsWith("pkg:npm/axios@")).anyMatch(p -> p.startsWith("pkg:cargo/serde@"));
    assertThat(JSON.readTree(scan.stdout()).path("packages").asInt()).isEqualTo(purls.size());
  }

  @Test
  void theChecksumsHoldAndTheirSignatureVerifiesWithTheReleaseItselfAndOpenssl() throws Exception {
    List<String> lines = Files.readAllLines(TARGET.resolve("SHA256SUMS"));
    assertThat(lines).anyMatch(l -> l.endsWith("  " + tarball.getFileName()));
    for (String line : lines) {
      String[] parts = line.split("  ", 2);
      assertThat(sha256(TARGET.resolve(parts[1]))).as(parts[1]).isEqualTo(parts[0]);
    }
    Tools.Result verified = portcullis(tmp, "verify-blob", "--key", TARGET.resolve("portcullis-release.pub").toString(),
        "--signature", TARGET.resolve("SHA256SUMS.sig").toString(), TARGET.resolve("SHA256SUMS").toString());
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();

    Path der = tmp.resolve("sums.sig.der");
    Files.write(der, java.util.Base64.getDecoder().decode(Files.readString(TARGET.resolve("SHA256SUMS.sig")).strip()));
    Tools.Result openssl = Tools.run(DEADLINE, "openssl", "dgst", "-sha256", "-verify", TARGET.resolve("portcullis-release.pub").toString(),
        "-signature", der.toString(), TARGET.resolve("SHA256SUMS").toString());
    assertThat(out(openssl)).contains("Verified OK");
  }

  @Test
  void theSbomNamesEveryLibraryTheJarShipsAtItsVersion() throws Exception {
    JsonNode sbom = JSON.readTree(home.resolve("share/doc/portcullis/portcullis.cdx.json").toFile());
    assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.path("specVersion").asText()).isEqualTo("1.6");
    Set<String> listed = new TreeSet<>();
    for (JsonNode c : sbom.path("components")) {
      listed.add(c.path("group").asText() + ":" + c.path("name").asText() + ":" + c.path("version").asText());
    }
    Set<String> shipped = new TreeSet<>();
    try (ZipFile jar = new ZipFile(home.resolve("lib/portcullis.jar").toFile())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
          Properties p = new Properties();
          try (InputStream in = jar.getInputStream(e)) {
            p.load(in);
          }
          shipped.add(p.getProperty("groupId") + ":" + p.getProperty("artifactId") + ":" + p.getProperty("version"));
        }
      }
    }
    assertThat(shipped).hasSizeGreaterThan(50);
    // the SBOM's root is the cli module; every other library the jar carries is a component of it, at the version
    // shipped, but for the two that woodstox-core bundles inside its own jar (relocated), where Maven sees woodstox only
    Set<String> unlisted = new TreeSet<>(shipped);
    unlisted.removeAll(listed);
    unlisted.removeIf(s -> s.startsWith("dev.portcullis:portcullis-cli:"));
    assertThat(unlisted).allMatch(s -> s.startsWith("net.java.dev.msv:xsdlib:") || s.startsWith("com.sun.xml.bind.jaxb:isorelax:"));
    assertThat(listed).anyMatch(s -> s.startsWith("com.fasterxml.woodstox:woodstox-core:"));
  }

  @Test
  void theRuntimeHasEveryModuleTheJarNeeds() throws Exception {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    Tools.Result needed = Tools.run(DEADLINE, jdeps.toString(), "--print-module-deps", "--ignore-missing-deps", "--multi-release", String.valueOf(javaMajor()),
        home.resolve("lib/portcullis.jar").toString());
    Tools.Result has = Tools.run(DEADLINE, home.resolve("runtime/bin/java").toString(), "--list-modules");
    Set<String> modules = new TreeSet<>();
    for (String line : out(has).split("\n")) {
      modules.add(line.replaceAll("@.*", "").strip());
    }
    assertThat(modules).containsAll(List.of(out(needed).strip().split(",")));
  }

  @Test
  void theContainerImageIsScannedCleanByTheReleaseAndRunsAsNonRoot() throws Exception {
    Path image = TARGET.resolve("portcullis-" + version + "-image.oci.tar");
    assertThat(image).as("the build makes the image with buildah as root").isRegularFile();
    Path db = tmp.resolve("image-db");
    assertThat(portcullis(tmp, "db", "import", "--db", db.toString(), ROOT.resolve("examples/hello/advisories").toString()).exitCode()).isZero();
    Tools.Result scan = portcullis(tmp, "scan", "--db", db.toString(), "--format", "json", "oci-archive:" + image);
    assertThat(scan.exitCode()).as(scan.stderr()).isZero();
    JsonNode result = JSON.readTree(scan.stdout());
    assertThat(result.path("secrets")).isEmpty();
    for (String kind : List.of("findings", "misconfigurations")) {
      for (JsonNode f : result.path(kind)) {
        assertThat(f.path("severity").asText()).as(f.toString()).isNotIn("CRITICAL", "HIGH");
      }
    }
    Tools.Result inspect = portcullis(tmp, "image", "inspect", "--format", "json", "oci-archive:" + image);
    assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
    assertThat(JSON.readTree(inspect.stdout()).path("config").path("user").asText()).isEqualTo("65532:65532");

    Tools.Result sbom = portcullis(tmp, "sbom", "--format", "json", "oci-archive:" + image);
    assertThat(sbom.exitCode()).as(sbom.stderr()).isZero();
    List<String> purls = new ArrayList<>();
    JSON.readTree(sbom.stdout()).path("packages").forEach(p -> purls.add(p.path("purl").asText()));
    String libc = out(Tools.run(DEADLINE, "dpkg-query", "-W", "-f=${Version}", "libc6")).replace("+", "%2B");
    assertThat(purls).anyMatch(p -> p.startsWith("pkg:deb/debian/libc6@" + libc + "?"));
    assertThat(purls).anyMatch(p -> p.startsWith("pkg:maven/com.fasterxml.jackson.core/jackson-databind@"));
  }

  /** The image runs (real podman with runc) as its entrypoint is, and its JVM uses the start-up cache it ships. */
  @Test
  void theContainerImageRunsWithItsStartUpCache() throws Exception {
    Path image = TARGET.resolve("portcullis-" + version + "-image.oci.tar");
    assertThat(image).as("the build makes the image with buildah as root").isRegularFile();
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      List<String> args = new ArrayList<>(List.of("--rm"));
      if (javaMajor() >= 25) {
        args.addAll(List.of("--env", "JAVA_TOOL_OPTIONS=-XX:AOTMode=on")); // the JVM fails when it cannot use the cache
      }
      args.addAll(List.of("oci-archive:" + image, "--version"));
      Tools.Result v = podman.run(DEADLINE, args);
      assertThat(v.exitCode()).as(v.stderr()).isZero();
      assertThat(out(v)).isEqualTo("portcullis " + version + "\n");
    }
  }

  private static int javaMajor() {
    try {
      for (String line : Files.readAllLines(home.resolve("runtime/release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          return Integer.parseInt(line.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1"));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no JAVA_VERSION in the runtime's release file");
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
