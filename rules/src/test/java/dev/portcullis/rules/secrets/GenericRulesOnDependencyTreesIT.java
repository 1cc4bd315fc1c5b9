package dev.portcullis.rules.secrets;

import static dev.portcullis.rules.secrets.FakeSecrets.ALNUM;
import static dev.portcullis.rules.secrets.FakeSecrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.content.Text;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.TestCache;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The generic rules on real dependency trees that hold no secret: what {@code npm ci} installs for
 * express, jsonwebtoken, mongoose, passport, nodemailer, pg, redis and typescript (the versions of
 * the committed lock file); the files of Debian's python3-requests, python3-boto3 (with
 * python3-botocore and python3-s3transfer), python3-django and python3-sqlalchemy; and a Spring Boot
 * fat jar made of the jars Maven Central serves for the web, security, data-jpa and actuator
 * starters. Not one generic finding on any of them, while a credential planted beside each is found.
 * Every download happens once per machine: the trees are cached under
 * {@code ~/.cache/portcullis-test/secrets-trees-vN}, each made in a temporary sibling and renamed
 * into place when complete, under a file lock.
 *
 * <p>With {@code -Dportcullis.secretlint=true}, secretlint (recommended preset) runs on the same
 * files and the counts of both go to {@code target/secretlint-trees.md}.
 */
class GenericRulesOnDependencyTreesIT {
  private static final Set<String> GENERIC = Set.of("PCS-SECRET-022", "PCS-SECRET-028", "PCS-SECRET-029");
  private static final Duration FETCH = Duration.ofMinutes(10);
  // bump when what is cached changes, so that old caches are not taken for new ones
  private static final String CACHE_VERSION = "v1";
  private static final String SPRING_BOOT = "3.3.5";
  private static final List<String> DEBIAN = List.of("python3-requests", "python3-boto3", "python3-botocore", "python3-s3transfer", "python3-django",
      "python3-sqlalchemy");

  static Path cacheDir() {
    return TestCache.dir("secrets-trees-" + CACHE_VERSION);
  }

  static Path cached(String name, TestCache.Maker maker) throws IOException {
    return TestCache.cached("secrets-trees-" + CACHE_VERSION, name, maker);
  }

  /** The node_modules of the committed package.json and lock file, installed without running any package script. */
  static Path npmTree() throws IOException {
    return cached("npm", work -> {
      Tools.require("npm");
      for (String f : List.of("package.json", "package-lock.json")) {
        try (InputStream in = GenericRulesOnDependencyTreesIT.class.getResourceAsStream("npm-tree/" + f)) {
          Files.copy(in, work.resolve(f));
        }
      }
      Tools.run(FETCH, List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier", "--prefix", work.toString()));
    }).resolve("node_modules");
  }

  /** The files of the Debian packages, unpacked with dpkg-deb (nothing installed, no maintainer script run). */
  static Path debianTree() throws IOException {
    return cached("debian-python", work -> {
      Tools.require("apt-get");
      Tools.require("dpkg-deb");
      Path debs = Files.createDirectories(work.resolve("debs"));
      List<String> cmd = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec apt-get download \"$@\"", debs.toString()));
      cmd.addAll(DEBIAN);
      Tools.run(FETCH, cmd);
      Path root = Files.createDirectories(work.resolve("root"));
      try (Stream<Path> s = Files.list(debs)) {
        for (Path deb : s.sorted().toList()) {
          Tools.run(Duration.ofMinutes(2), "dpkg-deb", "-x", deb.toString(), root.toString());
        }
      }
      Dirs.deleteTree(debs);
    }).resolve("root");
  }

  /** A Spring Boot fat jar: the starters' jars from Maven Central nested under BOOT-INF/lib, stored as Spring Boot requires. */
  static Path fatJar() throws IOException {
    return cached("spring-boot-" + SPRING_BOOT, work -> {
      Tools.require("mvn");
      Path project = Files.createDirectories(work.resolve("project"));
      Files.writeString(project.resolve("pom.xml"), """
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <groupId>test.portcullis</groupId>
            <artifactId>orders</artifactId>
            <version>1</version>
            <packaging>pom</packaging>
            <dependencyManagement><dependencies>
              <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-dependencies</artifactId>
                <version>%s</version><type>pom</type><scope>import</scope></dependency>
            </dependencies></dependencyManagement>
            <dependencies>
              <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
              <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-security</artifactId></dependency>
              <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency>
              <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
              <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>
            </dependencies>
          </project>
          """.formatted(SPRING_BOOT));
      Path lib = work.resolve("lib");
      // a repository of its own: nothing lands in the shared ~/.m2, and the jars are cached here instead
      Tools.run(FETCH, List.of("mvn", "-B", "-q", "-f", project.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + work.resolve("m2"),
          "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=" + lib));
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
      manifest.getMainAttributes().putValue("Start-Class", "com.acme.orders.OrdersApplication");
      manifest.getMainAttributes().putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
      manifest.getMainAttributes().putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
      Path jar = Files.createDirectories(work.resolve("app")).resolve("orders.jar");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest); Stream<Path> jars = Files.list(lib)) {
        stored(out, "BOOT-INF/classes/application.properties", """
            spring.application.name=orders
            spring.datasource.url=jdbc:postgresql://db:5432/orders
            spring.datasource.username=orders
            spring.datasource.password=${DB_PASSWORD}
            management.endpoints.web.exposure.include=health,info
            """.getBytes(StandardCharsets.UTF_8));
        for (Path j : jars.sorted().toList()) {
          stored(out, "BOOT-INF/lib/" + j.getFileName(), Files.readAllBytes(j));
        }
      }
      Dirs.deleteTree(work.resolve("m2"));
      Dirs.deleteTree(project);
      Dirs.deleteTree(lib);
    }).resolve("app");
  }

  private static void stored(JarOutputStream out, String name, byte[] bytes) throws IOException {
    JarEntry e = new JarEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    out.putNextEntry(e);
    out.write(bytes);
    out.closeEntry();
  }

  /** Every file of a jar and of the jars nested in it, classes left out, written under {@code to} as {@code outer.jar!/inner.jar!/path}. */
  static void unpack(InputStream jar, Path to) throws IOException {
    ZipInputStream zip = new ZipInputStream(jar);
    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
      String name = e.getName();
      if (e.isDirectory() || name.endsWith(".class") || name.contains("..") || name.startsWith("/")) {
        continue;
      }
      byte[] bytes = zip.readAllBytes();
      if (name.endsWith(".jar")) {
        unpack(new ByteArrayInputStream(bytes), to.resolve(name + "!"));
      } else {
        Path p = to.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
      }
    }
  }

  static Path unpackedFatJar() throws IOException {
    Path jar = fatJar().resolve("orders.jar");
    return cached("spring-boot-" + SPRING_BOOT + "-unpacked", work -> {
      try (InputStream in = Files.newInputStream(jar)) {
        unpack(in, work.resolve("orders.jar!"));
      }
    });
  }

  static Contents read(Path tree) throws IOException {
    return Contents.ofPaths(tree.toString(), List.of(tree), new Interest(SecretChecks.SCANNER.keywords(), p -> false), ReadLimits.DEFAULT);
  }

  /** The findings of the secret checks on {@code contents} plus a .env file holding one literal password. */
  static Report scanWithPlanted(Contents contents, String planted) {
    List<Text> texts = new ArrayList<>(contents.texts());
    texts.add(new Text(Text.Kind.FILE, "/planted/.env", new Text.Origin.OnDisk("/planted/.env"), "DB_PASSWORD=" + planted + "\n"));
    return new Engine(SecretChecks.all()).evaluate(new Contents(contents.name(), texts, contents.problems(), contents.files()));
  }

  static void assertNoGenericFindingsButThePlanted(Path tree, int atLeastTexts) throws IOException {
    Contents contents = read(tree);
    assertThat(contents.texts()).as("texts with a keyword read under " + tree).hasSizeGreaterThan(atLeastTexts);
    String planted = random(ALNUM, 24, 71);
    Report r = scanWithPlanted(contents, planted);
    List<String> generic = r.findings().stream().filter(f -> GENERIC.contains(f.id())).map(f -> f.id() + " " + f.location().display()).toList();
    assertThat(generic).as("generic findings on " + tree + " (all findings: " + r.findings().size() + ")").containsExactly("PCS-SECRET-029 /planted/.env:1:13");
  }

  @Test
  void anNpmInstallOfEightPopularPackagesHasNoGenericFinding() throws IOException {
    assertNoGenericFindingsButThePlanted(npmTree(), 1000);
  }

  @Test
  void debiansPythonRequestsBoto3DjangoAndSqlalchemyHaveNoGenericFinding() throws IOException {
    assertNoGenericFindingsButThePlanted(debianTree(), 1000);
  }

  @Test
  void aSpringBootFatJarIsSkippedAsBinaryAndItsUnpackedFilesHaveNoGenericFinding() throws IOException {
    Path app = fatJar();
    Contents asShipped = read(app);
    Report shipped = new Engine(SecretChecks.all()).evaluate(asShipped);
    assertThat(shipped.findings()).isEmpty();
    // content checks never open a jar: this one is skipped for its size (a small one as a binary), and the skip is reported
    assertThat(asShipped.problems()).extracting(p -> p.file() + ": " + p.message()).anyMatch(m -> m.contains("orders.jar") && m.contains("skipped"));
    assertNoGenericFindingsButThePlanted(unpackedFatJar(), 100);
  }

  /** secretlint on the same files, for the table of docs/BENCHMARKS.md; opt-in, as it takes many minutes on two cores. */
  @Test
  void secretlintOnTheSameTrees() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("portcullis.secretlint"), "secretlint comparison: -Dportcullis.secretlint=true");
    Tools.require("npm");
    Path tool = cached("secretlint-12.0.0", work -> {
      Files.writeString(work.resolve("package.json"), "{\"name\":\"secretlint-tool\",\"private\":true}");
      Tools.run(FETCH, List.of("npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", work.toString(), "secretlint@12.0.0",
          "@secretlint/secretlint-rule-preset-recommend@12.0.0"));
    });
    Path work = Files.createTempDirectory("secretlint-trees-");
    Files.writeString(work.resolve(".secretlintrc.json"), """
        {"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend",
                    "rules": [{"id": "@secretlint/secretlint-rule-aws", "options": {"enableIDScanRule": true}}]}]}
        """);
    Map<String, Path> trees = new TreeMap<>(Map.of("npm install (8 packages)", npmTree(), "Debian Python packages", debianTree(),
        "Spring Boot fat jar, unpacked", unpackedFatJar()));
    StringBuilder table = new StringBuilder("| Tree | Files of at most 2 MiB | Portcullis findings (generic) | secretlint findings |\n|---|---:|---:|---:|\n");
    try {
      for (var e : trees.entrySet()) {
        // secretlint never reads a path under node_modules, whatever it is told: it reads the same files through a link
        Path link = Files.createSymbolicLink(work.resolve("tree-" + trees.keySet().stream().toList().indexOf(e.getKey())), e.getValue());
        List<String> files;
        try (Stream<Path> s = Files.walk(e.getValue())) {
          files = s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).filter(f -> f.toFile().length() <= ReadLimits.DEFAULT.maxFileBytes())
              .map(f -> link.getFileName().resolve(e.getValue().relativize(f)).toString()).sorted().toList();
        }
        int secretlint = 0;
        // one process slows down with every file it has checked (docs/BENCHMARKS.md): 250 files to a process
        for (int from = 0; from < files.size(); from += 250) {
          // secretlint exits 1 when it finds something
          List<String> cmd = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && \"$@\"; test $? -le 1", work.toString(), tool.resolve("node_modules/.bin/secretlint").toString(),
              "--format", "json", "--no-color", "--no-glob", "--secretlintrc", ".secretlintrc.json"));
          cmd.addAll(files.subList(from, Math.min(files.size(), from + 250)));
          for (JsonNode file : new ObjectMapper().readTree(Tools.run(Duration.ofMinutes(10), cmd).stdout())) {
            secretlint += file.path("messages").size();
          }
        }
        Contents contents = read(e.getValue());
        Report r = new Engine(SecretChecks.all()).evaluate(contents);
        long generic = r.findings().stream().filter(f -> GENERIC.contains(f.id())).count();
        table.append(String.format(Locale.ROOT, "| %s | %d | %d (%d) | %d |%n", e.getKey(), files.size(), r.findings().size(), generic, secretlint));
      }
    } finally {
      Dirs.deleteTree(work);
    }
    Files.createDirectories(Path.of("target"));
    try (OutputStream o = Files.newOutputStream(Path.of("target/secretlint-trees.md"))) {
      o.write(table.toString().getBytes(StandardCharsets.UTF_8));
    }
    System.out.println(table);
  }
}
