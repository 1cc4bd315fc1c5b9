package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.TestImages.TestImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden outputs of every image-reading command in every format on the acceptance images, so that a
 * refactoring proves it changed no byte a user sees. Each golden file, {@code IMAGE/COMMAND-FORMAT.txt},
 * holds the command line, the exit code, stderr and stdout of one in-process run of {@link Main#run}.
 * A difference fails with the first differing line and writes the whole output to {@code
 * target/golden-actual/IMAGE/}; {@code -Dportcullis.updateGolden=true} rewrites the goldens instead,
 * to be reviewed as a diff.
 *
 * <p>Commands: {@code image inspect} (table, json), {@code image files} (table, json), {@code image
 * files --deleted} (table, json), {@code sbom} (table, json, cyclonedx-json, spdx-json), {@code scan}
 * (table, json, sarif, cyclonedx-vdr), {@code config} (table, json, sarif), {@code secrets} (table,
 * json, sarif) and {@code gate --stage dev|test|prod} (table, json) at a fixed {@code --at}. The
 * database is imported by {@code db import} from the shared OSV corpus and CISA's KEV fixture; every
 * run shares one layer cache in the temporary directory (so most runs read it warm).
 *
 * <p>Images whose bytes are fixed have committed goldens under {@code
 * src/test/resources/dev/portcullis/cli/golden/}: the bundled example ({@code example}), and two
 * images made by {@link OciLayoutBuilder} from committed files, uncompressed so that no zlib version
 * changes a digest: {@code jar} (Maven Central's log4j-core 2.14.1) and {@code npm} (the tree under
 * {@code images/npm}, with an {@code .npmrc} token that a later layer deletes). Images whose content
 * follows the outside world (the debootstrap bookworm image with apt-installed Java, Python and Go
 * packages from {@code deb.debian.org}; the buildah images {@code whiteouts}, {@code links}, {@code
 * misconfigured} and {@code jdwp}, rebuilt with new timestamps on every run) cannot have committed
 * goldens: with {@code -Dportcullis.goldenDir=DIR} their goldens are written to and compared in
 * {@code DIR/IMAGE/}, and the images themselves are snapshotted once into the OCI layout {@code
 * DIR/images} and read from there on every later run, so a session records before a change and
 * compares after it on the same inputs. Without that property those images are skipped (a failed
 * assumption saying so).
 *
 * <p>Normalisations, each applied to the command line, stderr and stdout before comparing:
 * <ul>
 *   <li>the absolute paths of the temporary directory, of {@code DIR} and of the project become
 *       {@code <TMP>}, {@code <GOLDEN>} and {@code <ROOT>} (the image sources, database and cache
 *       paths are printed back);
 *   <li>the database's build time (its {@code db status} {@code builtAt}, set from the clock by
 *       {@code db import}, printed by {@code scan} and {@code gate}) becomes {@code <DB-BUILT>},
 *       as an exact string;
 *   <li>the tool's version (what {@code --version} prints after {@code portcullis }, e.g. {@code
 *       0.1.0-SNAPSHOT}) becomes {@code <VERSION>}, as an exact string (SARIF's driver version, the
 *       gate's {@code toolVersion}, SPDX's creator, CycloneDX's {@code portcullis:tool:version});
 * </ul>
 */
class CommandGoldenIT {
  private static final Path ROOT = Path.of(System.getProperty("portcullis.root", "..")).toAbsolutePath().normalize();
  private static final Path GOLDEN = ROOT.resolve("cli/src/test/resources/dev/portcullis/cli/golden");
  private static final Path ACTUAL = ROOT.resolve("cli/target/golden-actual");
  private static final Path KEV = ROOT.resolve("vuln/src/test/resources/dev/portcullis/vuln/db/enrich/known_exploited_vulnerabilities.json");
  private static final Path LOG4J = ROOT.resolve("cli/target/it-jars/log4j-core-2.14.1.jar");
  private static final Path NPM_TREE = ROOT.resolve("cli/src/test/resources/dev/portcullis/cli/images/npm");
  private static final String AT = "2025-06-01T12:00:00Z";
  private static final boolean UPDATE = Boolean.getBoolean("portcullis.updateGolden");
  private static final @Nullable Path GOLDEN_DIR = goldenDir();
  // the debootstrap image with language packages: the same package set as catalog's and vuln's acceptance image
  private static final List<String> DEBIAN_EXTRA = List.of("libjackson2-databind-java", "python3-requests", "python3-yaml", "skopeo");
  private static final List<String> VARIABLE_IMAGES = List.of("bookworm-packages", "whiteouts", "links", "misconfigured", "jdwp");

  @TempDir static Path tmp;
  private static Path db;
  private static Path cache;
  private static String dbBuilt;
  private static String version;

  /** One command line minus its image; {@code name-format} names its golden file. */
  record Command(String name, String format, List<String> args) {
    String file() {
      return name + "-" + format + ".txt";
    }
  }

  record Run(int exit, String out, String err) {}

  private static @Nullable Path goldenDir() {
    String dir = System.getProperty("portcullis.goldenDir", "");
    return dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize();
  }

  private static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void database() throws IOException {
    db = tmp.resolve("db");
    cache = tmp.resolve("cache");
    Path corpus = ROOT.resolveSibling("shared").resolve("corpus/osv");
    assertThat(corpus).as("the OSV corpus (set -Dportcullis.root to the project directory)").isDirectory();
    Run imported = run(List.of("db", "import", "--db", db.toString(), corpus.toString(), KEV.toString()));
    assertThat(imported.exit()).as(imported.err()).isZero();
    Run status = run(List.of("db", "status", "--db", db.toString(), "--format", "json"));
    assertThat(status.exit()).as(status.err()).isZero();
    dbBuilt = JsonOutput.MAPPER.readTree(status.out()).get("builtAt").asText();
    assertThat(dbBuilt).isNotBlank();
    Run v = run(List.of("--version"));
    assertThat(v.out()).startsWith("portcullis ");
    version = v.out().strip().substring("portcullis ".length());
  }

  static List<Command> commands() {
    List<Command> all = new ArrayList<>();
    for (String f : List.of("table", "json")) {
      all.add(new Command("image-inspect", f, List.of("image", "inspect", "--format", f)));
    }
    for (String f : List.of("table", "json")) {
      all.add(new Command("image-files", f, List.of("image", "files", "--format", f)));
    }
    for (String f : List.of("table", "json")) {
      all.add(new Command("image-files-deleted", f, List.of("image", "files", "--deleted", "--format", f)));
    }
    for (String f : List.of("table", "json", "cyclonedx-json", "spdx-json")) {
      all.add(new Command("sbom", f, List.of("sbom", "--format", f)));
    }
    for (String f : List.of("table", "json", "sarif", "cyclonedx-vdr")) {
      all.add(new Command("scan", f, List.of("scan", "--db", db.toString(), "--format", f)));
    }
    for (String f : List.of("table", "json", "sarif")) {
      all.add(new Command("config", f, List.of("config", "--format", f)));
    }
    for (String f : List.of("table", "json", "sarif")) {
      all.add(new Command("secrets", f, List.of("secrets", "--format", f)));
    }
    for (String stage : List.of("dev", "test", "prod")) {
      for (String f : List.of("table", "json")) {
        all.add(new Command("gate-" + stage, f, List.of("gate", "--db", db.toString(), "--stage", stage, "--at", AT, "--format", f)));
      }
    }
    return all;
  }

  @TestFactory
  Stream<DynamicNode> fixedImages() throws IOException {
    Map<String, String> images = new LinkedHashMap<>();
    images.put("example", "oci-dir:" + ROOT.resolve("examples/hello/image"));
    images.put("jar", "oci-dir:" + jarImage(tmp.resolve("images/jar")) + ":jar");
    images.put("npm", "oci-dir:" + npmImage(tmp.resolve("images/npm")) + ":npm");
    return images.entrySet().stream().map(e -> image(e.getKey(), e.getValue(), GOLDEN.resolve(e.getKey())));
  }

  @TestFactory
  Stream<DynamicNode> imagesFromTheOutsideWorld() throws IOException {
    if (GOLDEN_DIR == null) {
      // one skipped test rather than a skipped factory, so that the reports show the reason
      return Stream.of(DynamicTest.dynamicTest(String.join(", ", VARIABLE_IMAGES), () -> assumeTrue(false,
          "the debootstrap and buildah images change with deb.debian.org and every build: set -Dportcullis.goldenDir=DIR "
              + "to record their goldens (with -Dportcullis.updateGolden=true) and compare them later on this machine")));
    }
    Path layout = snapshot(GOLDEN_DIR.resolve("images"));
    return VARIABLE_IMAGES.stream().map(name -> image(name, "oci-dir:" + layout + ":" + name, GOLDEN_DIR.resolve(name)));
  }

  private static DynamicContainer image(String name, String source, Path goldens) {
    return DynamicContainer.dynamicContainer(name, commands().stream().map(c -> DynamicTest.dynamicTest(c.file(), () -> {
      List<String> args = new ArrayList<>(c.args());
      args.addAll(List.of("--cache-dir", cache.toString(), source));
      Run r = run(args);
      String actual = normalise("$ portcullis " + String.join(" ", args) + "\nexit " + r.exit() + "\n--- stderr\n" + r.err() + "--- stdout\n" + r.out());
      compare(goldens.resolve(c.file()), ACTUAL.resolve(name).resolve(c.file()), actual);
    })));
  }

  private static String normalise(String text) {
    String s = text;
    if (GOLDEN_DIR != null) {
      s = s.replace(GOLDEN_DIR.toString(), "<GOLDEN>");
    }
    s = s.replace(tmp.toAbsolutePath().toString(), "<TMP>").replace(ROOT.toString(), "<ROOT>").replace(dbBuilt, "<DB-BUILT>").replace(version, "<VERSION>");
    return s;
  }

  private static void compare(Path golden, Path actualFile, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
      return;
    }
    if (!Files.exists(golden)) {
      fail("no golden " + golden + ": record it with -Dportcullis.updateGolden=true and review it");
    }
    String expected = Files.readString(golden);
    if (expected.equals(actual)) {
      Files.deleteIfExists(actualFile);
      return;
    }
    Files.createDirectories(actualFile.getParent());
    Files.writeString(actualFile, actual);
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    int line = 0;
    while (line < e.size() && line < a.size() && e.get(line).equals(a.get(line))) {
      line++;
    }
    fail("%s differs from its golden at line %d:%n  golden: %s%n  actual: %s%nwhole output in %s (diff it; -Dportcullis.updateGolden=true accepts it)".formatted(
        golden, line + 1, line < e.size() ? e.get(line) : "<end>", line < a.size() ? a.get(line) : "<end>", actualFile));
  }

  /** Maven Central's log4j-core 2.14.1 (Log4Shell) in /app/lib, started by a java entrypoint. */
  private static Path jarImage(Path dir) throws IOException {
    new OciLayoutBuilder().refName("jar")
        .config("\"User\":\"1000\",\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"JAVA_HOME=/opt/java\"],"
            + "\"Entrypoint\":[\"java\",\"-cp\",\"/app/lib/*\",\"org.example.Main\"],\"WorkingDir\":\"/app\"")
        .layer(new LayerBuilder().dir("app").dir("app/lib").file("app/lib/log4j-core-2.14.1.jar", Files.readAllBytes(LOG4J), 0644).build(),
            Compression.NONE, "COPY lib/ /app/lib/")
        .write(dir);
    return dir;
  }

  /**
   * The committed npm tree at /, with an {@code .npmrc} holding a registry token that the second
   * layer deletes (still shipped in the first); the token is assembled here so that no scanner
   * of this repository finds it.
   */
  private static Path npmImage(Path dir) throws IOException {
    LayerBuilder tree = new LayerBuilder();
    try (Stream<Path> walk = Files.walk(NPM_TREE)) {
      for (Path p : walk.filter(p -> !p.equals(NPM_TREE)).sorted().toList()) {
        String name = NPM_TREE.relativize(p).toString();
        if (Files.isDirectory(p)) {
          tree.dir(name);
        } else {
          tree.file(name, Files.readAllBytes(p), 0644);
        }
      }
    }
    String token = "npm_" + "G0ldenF1xture".repeat(3).substring(0, 36);
    tree.file("app/.npmrc", "//registry.npmjs.org/:_authToken=" + token + "\n");
    new OciLayoutBuilder().refName("npm")
        .config("\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"NODE_ENV=production\"],\"Cmd\":[\"node\",\"index.js\"],\"WorkingDir\":\"/app\"")
        .layer(tree.build(), Compression.NONE, "COPY . /app")
        .layer(new LayerBuilder().whiteout("app/.npmrc").build(), Compression.NONE, "RUN rm /app/.npmrc")
        .write(dir);
    return dir;
  }

  /**
   * The OCI layout {@code layout} holding every image of {@link #VARIABLE_IMAGES} by name, made on
   * first use (by debootstrap, apt-get and buildah) and read as it is afterwards.
   */
  private static Path snapshot(Path layout) throws IOException {
    for (String name : VARIABLE_IMAGES) {
      if (!names(layout).contains(name)) {
        switch (name) {
          case "bookworm-packages" -> merge(DebootstrapWithPackages.of(DEBIAN_EXTRA).layout(), Debootstrap.TAG, layout, name);
          case "whiteouts" -> merge(TestImages.whiteouts(), layout);
          case "links" -> merge(TestImages.links(), layout);
          default -> built(name, layout);
        }
      }
    }
    return layout;
  }

  /** {@code misconfigured} and {@code jdwp}, built as {@link GateImagesIT} builds them. */
  private static void built(String name, Path layout) throws IOException {
    Path context = switch (name) {
      case "misconfigured" -> ROOT.resolve("rules/src/test/resources/dev/portcullis/rules/image/misconfigured");
      case "jdwp" -> ROOT.resolve("cli/src/test/resources/dev/portcullis/cli/jdwp");
      default -> throw new IllegalArgumentException("no such golden image: " + name);
    };
    Path work = Files.createTempDirectory(TestImages.workDir(), "cli-golden-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    String tag = "localhost/portcullis-test/golden-" + name + ":1";
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(context, tag, Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG, "DEPLOY_TOKEN", "dtk_5c0ffee5c0ffee5c0ffee5c0ffee"));
      buildah.push(tag, "oci:" + work.resolve("out") + ":" + name);
    }
    merge(work.resolve("out"), name, layout, name);
    Dirs.deleteTree(work);
  }

  private static void merge(TestImage image, Path layout) throws IOException {
    merge(image.layout(), image.tag(), layout, image.name());
  }

  /** Copies image {@code tag} of layout {@code from} into {@code to} as {@code name}: its blobs as they are, then its index entry. */
  private static void merge(Path from, String tag, Path to, String name) throws IOException {
    JsonNode entry = null;
    for (JsonNode m : JsonOutput.MAPPER.readTree(from.resolve("index.json").toFile()).path("manifests")) {
      if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        entry = m;
      }
    }
    assertThat(entry).as("image " + tag + " in " + from).isNotNull();
    Path blobs = Files.createDirectories(to.resolve("blobs/sha256"));
    try (Stream<Path> list = Files.list(from.resolve("blobs/sha256"))) {
      for (Path blob : list.toList()) {
        if (!Files.exists(blobs.resolve(blob.getFileName()))) {
          Path part = blobs.resolve(blob.getFileName() + ".part");
          Files.copy(blob, part, StandardCopyOption.REPLACE_EXISTING);
          Files.move(part, blobs.resolve(blob.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    Files.writeString(to.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Path indexFile = to.resolve("index.json");
    ObjectNode index = Files.exists(indexFile) ? (ObjectNode) JsonOutput.MAPPER.readTree(indexFile.toFile())
        : JsonOutput.MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
    ObjectNode copy = entry.deepCopy();
    ObjectNode annotations = copy.has("annotations") ? (ObjectNode) copy.get("annotations") : copy.putObject("annotations");
    annotations.put("org.opencontainers.image.ref.name", name);
    ArrayNode manifests = index.withArray("manifests");
    manifests.add(copy);
    Path part = to.resolve("index.json.part");
    Files.writeString(part, JsonOutput.MAPPER.writeValueAsString(index));
    Files.move(part, indexFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<String> names(Path layout) throws IOException {
    Path index = layout.resolve("index.json");
    if (!Files.exists(index)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (JsonNode m : JsonOutput.MAPPER.readTree(index.toFile()).path("manifests")) {
      names.add(m.path("annotations").path("org.opencontainers.image.ref.name").asText());
    }
    return names;
  }
}
