package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaArchiveCatalogerTest {
  @TempDir Path tmp;

  private CatalogResult catalog(JavaArchiveCataloger cataloger, LayerBuilder layer) throws IOException {
    Path dir = tmp.resolve("layout" + System.nanoTime());
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      return cataloger.catalog(FileTree.read(image, new LayerScanner(null, 1000)), new CatalogContext(null, tmp, 1 << 20));
    }
  }

  private CatalogResult catalog(LayerBuilder layer) throws IOException {
    return catalog(new JavaArchiveCataloger(), layer);
  }

  private static LayerBuilder layer(String path, byte[] content) {
    return new LayerBuilder().file(path, content, 0644);
  }

  /** purl @ main location, the way a reader of the report sees each package. */
  private static List<String> found(CatalogResult r) {
    return r.packages().stream().map(p -> p.purl() + " @ " + p.location().path()).toList();
  }

  private static List<String> unknowns(CatalogResult r) {
    return r.unknowns().stream().map(u -> u.location().path() + ": " + u.reason()).toList();
  }

  @Test
  void plainJarIsItsPomProperties() throws IOException {
    CatalogResult r = catalog(layer("usr/share/java/commons-text-1.10.0.jar",
        new Jar().pom("org.apache.commons", "commons-text", "1.10.0").manifest("Implementation-Version", "9.9").bytes()));
    assertThat(r.unknowns()).isEmpty();
    Package p = r.packages().get(0);
    assertThat(r.packages()).hasSize(1);
    assertThat(p.purl()).isEqualTo("pkg:maven/org.apache.commons/commons-text@1.10.0");
    assertThat(List.of(p.namespace(), p.name(), p.version())).containsExactly("org.apache.commons", "commons-text", "1.10.0");
    assertThat(p.foundBy()).isEqualTo("java-archive-cataloger");
    assertThat(p.locations()).extracting(Location::path).containsExactly("/usr/share/java/commons-text-1.10.0.jar",
        "/usr/share/java/commons-text-1.10.0.jar!/META-INF/maven/org.apache.commons/commons-text/pom.properties");
    assertThat(p.location().layerIndex()).isZero();
    assertThat(p.metadata()).containsEntry("evidence", "pom.properties");
  }

  @Test
  void fatJarReportsEveryNestedLibraryAtItsVirtualPath() throws IOException {
    byte[] jackson = new Jar().pom("com.fasterxml.jackson.core", "jackson-databind", "2.9.8").bytes();
    byte[] tomcat = new Jar().pom("org.apache.tomcat.embed", "tomcat-embed-core", "9.0.60").bytes();
    byte[] app = new Jar().manifest("Main-Class", "org.springframework.boot.loader.JarLauncher").pom("com.acme", "shop", "1.4.0")
        .text("BOOT-INF/classes/com/acme/Shop.class", "x")
        .entry("BOOT-INF/lib/jackson-databind-2.9.8.jar", jackson).entry("BOOT-INF/lib/tomcat-embed-core-9.0.60.jar", tomcat).bytes();
    CatalogResult r = catalog(layer("app/app.jar", app));
    assertThat(r.unknowns()).isEmpty();
    assertThat(found(r)).containsExactly(
        "pkg:maven/com.acme/shop@1.4.0 @ /app/app.jar",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8 @ /app/app.jar!/BOOT-INF/lib/jackson-databind-2.9.8.jar",
        "pkg:maven/org.apache.tomcat.embed/tomcat-embed-core@9.0.60 @ /app/app.jar!/BOOT-INF/lib/tomcat-embed-core-9.0.60.jar");
  }

  @Test
  void earInsideWarInsideLibraryNestsToAnyDepth() throws IOException {
    byte[] lib = new Jar().pom("org.slf4j", "slf4j-api", "1.7.36").bytes();
    byte[] war = new Jar().entry("WEB-INF/lib/slf4j-api-1.7.36.jar", lib).manifest("Implementation-Title", "web")
        .manifest("Implementation-Version", "2.0").manifest("Implementation-Vendor-Id", "com.acme").bytes();
    byte[] ear = new Jar().entry("web-2.0.war", war).bytes();
    CatalogResult r = catalog(layer("opt/server/deploy/bank-7.ear", ear));
    assertThat(found(r)).containsExactly(
        "pkg:maven/bank@7 @ /opt/server/deploy/bank-7.ear",
        "pkg:maven/com.acme/web@2.0 @ /opt/server/deploy/bank-7.ear!/web-2.0.war",
        "pkg:maven/org.slf4j/slf4j-api@1.7.36 @ /opt/server/deploy/bank-7.ear!/web-2.0.war!/WEB-INF/lib/slf4j-api-1.7.36.jar");
    assertThat(r.packages().get(0).metadata()).containsEntry("evidence", "file-name");
  }

  @Test
  void shadedPartsAreSeparatePackagesAtTheirPomProperties() throws IOException {
    byte[] shaded = new Jar().pom("org.apache.hadoop.thirdparty", "hadoop-shaded-guava", "1.1.1")
        .pom("com.google.guava", "guava", "30.1.1-jre").pom("com.google.guava", "failureaccess", "1.0.1").bytes();
    CatalogResult r = catalog(layer("opt/hadoop/hadoop-shaded-guava-1.1.1.jar", shaded));
    String jar = "/opt/hadoop/hadoop-shaded-guava-1.1.1.jar";
    assertThat(found(r)).containsExactly(
        "pkg:maven/com.google.guava/failureaccess@1.0.1 @ " + jar + "!/META-INF/maven/com.google.guava/failureaccess/pom.properties",
        "pkg:maven/com.google.guava/guava@30.1.1-jre @ " + jar + "!/META-INF/maven/com.google.guava/guava/pom.properties",
        "pkg:maven/org.apache.hadoop.thirdparty/hadoop-shaded-guava@1.1.1 @ " + jar);
    assertThat(r.packages().get(1).metadata()).isEqualTo(Map.of("evidence", "pom.properties", "embeddedIn", jar));
  }

  @Test
  void theOnlyPomPropertiesIsTheArchiveUnlessItsNameSaysOtherwise() throws IOException {
    byte[] onlyGuava = new Jar().pom("com.google.guava", "guava", "31.1-jre").bytes();
    // renamed on copy (app.jar): the pom is the archive's own
    assertThat(found(catalog(layer("app/app.jar", onlyGuava)))).containsExactly("pkg:maven/com.google.guava/guava@31.1-jre @ /app/app.jar");
    // a tool that shaded guava without a pom of its own: the tool is named by its file, guava is embedded
    assertThat(found(catalog(layer("opt/tool-3.2.jar", onlyGuava)))).containsExactly(
        "pkg:maven/tool@3.2 @ /opt/tool-3.2.jar",
        "pkg:maven/com.google.guava/guava@31.1-jre @ /opt/tool-3.2.jar!/META-INF/maven/com.google.guava/guava/pom.properties");
  }

  @Test
  void agentDoesNotMasqueradeAsWhatItCarries() throws IOException {
    byte[] agent = new Jar().manifest("Premain-Class", "com.acme.agent.Agent").manifest("Implementation-Title", "acme-agent")
        .manifest("Implementation-Version", "1.5.0").manifest("Implementation-Vendor-Id", "com.acme")
        .pom("net.bytebuddy", "byte-buddy", "1.14.10").bytes();
    assertThat(found(catalog(layer("agent/agent.jar", agent)))).containsExactly(
        "pkg:maven/com.acme/acme-agent@1.5.0 @ /agent/agent.jar",
        "pkg:maven/net.bytebuddy/byte-buddy@1.14.10 @ /agent/agent.jar!/META-INF/maven/net.bytebuddy/byte-buddy/pom.properties");
  }

  @Test
  void manifestOnlyJars() throws IOException {
    byte[] impl = new Jar().manifest("Implementation-Title", "widget").manifest("Implementation-Version", "2.1.0")
        .manifest("Implementation-Vendor-Id", "com.acme").bytes();
    byte[] bundle = new Jar().manifest("Bundle-SymbolicName", "org.acme.gadget;singleton:=true").manifest("Bundle-Version", "3.0.0").bytes();
    // what spring-core 5.3.17 carries: no pom.properties, no vendor id; the group is its classes' package
    byte[] spring = new Jar().manifest("Implementation-Title", "spring-core").manifest("Implementation-Version", "5.3.17")
        .manifest("Automatic-Module-Name", "spring.core").text("org/springframework/core/SpringVersion.class", "x")
        .text("org/springframework/util/StringUtils.class", "x").bytes();
    byte[] jenkins = new Jar().manifest("Short-Name", "git").manifest("Group-Id", "org.jenkins-ci.plugins").manifest("Plugin-Version", "4.11.0").bytes();
    CatalogResult r = catalog(new LayerBuilder().file("lib/widget.jar", impl, 0644).file("lib/bundle.jar", bundle, 0644)
        .file("lib/spring-core-5.3.17.jar", spring, 0644).file("var/jenkins_home/plugins/git.jpi", jenkins, 0644));
    assertThat(found(r)).containsExactly(
        "pkg:maven/com.acme/widget@2.1.0 @ /lib/widget.jar",
        "pkg:maven/org.acme/gadget@3.0.0 @ /lib/bundle.jar",
        "pkg:maven/org.jenkins-ci.plugins/git@4.11.0 @ /var/jenkins_home/plugins/git.jpi",
        "pkg:maven/org.springframework/spring-core@5.3.17 @ /lib/spring-core-5.3.17.jar");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.metadata()).containsEntry("evidence", "manifest"));
  }

  @Test
  void nameOnlyJars() throws IOException {
    byte[] empty = new Jar().bytes();
    CatalogResult r = catalog(new LayerBuilder().file("lib/foo-bar-1.2.3.jar", empty, 0644).file("lib/lib-1.0-SNAPSHOT.jar", empty, 0644)
        .file("lib/spring-web-5.2.0.RELEASE.jar", empty, 0644).file("lib/guava-31.1-jre.jar", empty, 0644)
        .file("plugins/git.hpi", empty, 0644).file("plugins/README.txt", "not an archive"));
    assertThat(found(r)).containsExactly(
        "pkg:maven/foo-bar@1.2.3 @ /lib/foo-bar-1.2.3.jar",
        "pkg:maven/git @ /plugins/git.hpi",
        "pkg:maven/guava@31.1-jre @ /lib/guava-31.1-jre.jar",
        "pkg:maven/lib@1.0-SNAPSHOT @ /lib/lib-1.0-SNAPSHOT.jar",
        "pkg:maven/spring-web@5.2.0.RELEASE @ /lib/spring-web-5.2.0.RELEASE.jar");
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.metadata()).containsEntry("evidence", "file-name"));
  }

  @Test
  void corruptArchivesAreUnknownsAndTheRestIsStillRead() throws IOException {
    byte[] good = new Jar().pom("org.slf4j", "slf4j-api", "1.7.36").bytes();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    byte[] outer = new Jar().pom("com.acme", "outer", "1.0").entry("lib/broken-1.0.jar", "PK not really".getBytes(StandardCharsets.UTF_8)).bytes();
    CatalogResult r = catalog(new LayerBuilder().file("a/garbage.jar", "this is not a zip".getBytes(StandardCharsets.UTF_8), 0644)
        .file("a/truncated.jar", truncated, 0644).file("a/outer-1.0.jar", outer, 0644).file("a/slf4j-api-1.7.36.jar", good, 0644));
    assertThat(found(r)).containsExactly(
        "pkg:maven/com.acme/outer@1.0 @ /a/outer-1.0.jar",
        "pkg:maven/org.slf4j/slf4j-api@1.7.36 @ /a/slf4j-api-1.7.36.jar");
    assertThat(r.unknowns()).extracting(u -> u.location().path()).containsExactly("/a/garbage.jar", "/a/outer-1.0.jar!/lib/broken-1.0.jar", "/a/truncated.jar");
    assertThat(r.unknowns()).allSatisfy(u -> {
      assertThat(u.cataloger()).isEqualTo("java-archive-cataloger");
      assertThat(u.reason()).startsWith("not a readable zip archive");
    });
  }

  @Test
  void damagedEvidenceFilesAreUnknownsAndTheArchiveIsStillNamed() throws IOException {
    // a manifest header line without a colon, and a pom.properties with a broken \\u escape
    byte[] jar = new Jar().text("META-INF/maven/com.acme/odd/pom.properties", "artifactId=odd\nversion=\\u12\n")
        .pom("com.acme", "partial", "1.0").bytes();
    byte[] badManifest = new Jar().pom("com.acme", "plain", "2.0").bytes();
    badManifest = replaceManifest(badManifest, "Manifest-Version: 1.0\nbroken line without colon\n\n");
    CatalogResult r = catalog(new LayerBuilder().file("lib/partial-1.0.jar", jar, 0644).file("lib/plain-2.0.jar", badManifest, 0644));
    assertThat(found(r)).containsExactly("pkg:maven/com.acme/partial@1.0 @ /lib/partial-1.0.jar", "pkg:maven/com.acme/plain@2.0 @ /lib/plain-2.0.jar");
    assertThat(unknowns(r)).satisfiesExactly(
        u -> assertThat(u).startsWith("/lib/partial-1.0.jar!/META-INF/maven/com.acme/odd/pom.properties: malformed pom.properties"),
        u -> assertThat(u).startsWith("/lib/plain-2.0.jar!/META-INF/MANIFEST.MF: malformed manifest"));
  }

  private static byte[] replaceManifest(byte[] jar, String manifest) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar)); var zip = new java.util.zip.ZipOutputStream(out)) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        zip.write(e.getName().equals("META-INF/MANIFEST.MF") ? manifest.getBytes(StandardCharsets.UTF_8) : in.readAllBytes());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void nestingBeyondTheDepthLimitIsAnUnknown() throws IOException {
    byte[] d = new Jar().pom("g", "d", "4").bytes();
    byte[] c = new Jar().pom("g", "c", "3").entry("d-4.jar", d).bytes();
    byte[] b = new Jar().pom("g", "b", "2").entry("c-3.jar", c).bytes();
    byte[] a = new Jar().pom("g", "a", "1").entry("b-2.jar", b).bytes();
    CatalogResult r = catalog(new JavaArchiveCataloger(new JavaArchiveCataloger.Limits(2, 1 << 20)), layer("a-1.jar", a));
    assertThat(found(r)).containsExactly("pkg:maven/g/a@1 @ /a-1.jar", "pkg:maven/g/b@2 @ /a-1.jar!/b-2.jar", "pkg:maven/g/c@3 @ /a-1.jar!/b-2.jar!/c-3.jar");
    assertThat(unknowns(r)).containsExactly("/a-1.jar!/b-2.jar!/c-3.jar!/d-4.jar: nested archive not read: deeper than the limit of 2 levels");
    assertThat(found(catalog(layer("a-1.jar", a)))).hasSize(4);
  }

  @Test
  void nestedArchivesBeyondTheByteBudgetAreUnknowns() throws IOException {
    byte[] padding = new byte[200_000];
    new java.util.Random(7).nextBytes(padding);
    byte[] big = new Jar().pom("g", "big", "1").entry("padding.bin", padding).bytes();
    byte[] outer = new Jar().pom("g", "outer", "1").entry("lib/big-1.jar", big).entry("lib/big-2.jar", big).bytes();
    // room for the outer file and one nested copy, not two
    long budget = outer.length + big.length + 100;
    CatalogResult r = catalog(new JavaArchiveCataloger(new JavaArchiveCataloger.Limits(8, budget)), layer("outer-1.jar", outer));
    assertThat(found(r)).containsExactly("pkg:maven/g/big@1 @ /outer-1.jar!/lib/big-1.jar", "pkg:maven/g/outer@1 @ /outer-1.jar");
    assertThat(unknowns(r)).containsExactly(
        "/outer-1.jar!/lib/big-2.jar: nested archive not read: the archives in this file exceed the limit of " + budget + " bytes in total");
    CatalogResult tooBig = catalog(new JavaArchiveCataloger(new JavaArchiveCataloger.Limits(8, 1000)), layer("outer-1.jar", outer));
    assertThat(tooBig.packages()).isEmpty();
    assertThat(tooBig.unknowns()).extracting(Unknown::reason).singleElement().asString().contains("larger than the limit of 1000");
  }

  @Test
  void isABuiltIn() {
    assertThat(Catalogers.defaults()).extracting(Cataloger::name).contains("java-archive-cataloger");
  }
}
