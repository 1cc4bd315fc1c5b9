package dev.portcullis.catalog.golang;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code go-module-binary-cataloger} finds in a Go executable the modules {@code go version -m}
 * lists, no more and no fewer: for programs built here by {@code go build} (with dependencies served
 * by a local module proxy, one replaced by another module and one by a directory; 64- and 32-bit),
 * and for Go programs Debian ships. A {@code (devel)} main module built with
 * {@code -ldflags "-X main.version=1.2.3"} takes that version.
 */
class GoBinaryMatchesGoVersionIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final List<String> DEBIAN_GO_PROGRAMS = List.of("/usr/bin/skopeo", "/usr/bin/umoci");

  @TempDir static Path tmp;
  private static Path app;
  private static Path app386;
  private static Path appStamped;

  @BeforeAll
  static void build() throws IOException {
    Tools.require("go");
    Path proxy = tmp.resolve("proxy");
    publish(proxy, "example.com/greet", "v1.0.0", "example.com/greet", "package greet\n\nfunc Hello() string { return \"hello\" }\n");
    publish(proxy, "example.com/old", "v1.0.0", "example.com/old", "package old\n\nfunc Name() string { return \"old\" }\n");
    // a fork: published under its own path, its go.mod still naming the module it replaces
    publish(proxy, "example.com/new", "v1.1.0", "example.com/old", "package old\n\nfunc Name() string { return \"new\" }\n");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("go.mod"), """
        module example.com/app

        go 1.18

        require (
        \texample.com/greet v1.0.0
        \texample.com/local v0.0.0
        \texample.com/old v1.0.0
        )

        replace example.com/old => example.com/new v1.1.0

        replace example.com/local => ./local
        """);
    Files.writeString(src.resolve("main.go"), """
        package main

        import (
        \t"fmt"

        \t"example.com/greet"
        \t"example.com/local"
        \t"example.com/old"
        )

        var version = "dev"

        func main() { fmt.Println(greet.Hello(), old.Name(), local.Name(), version) }
        """);
    Files.createDirectories(src.resolve("local"));
    Files.writeString(src.resolve("local/go.mod"), "module example.com/local\n\ngo 1.18\n");
    Files.writeString(src.resolve("local/local.go"), "package local\n\nfunc Name() string { return \"local\" }\n");
    Map<String, String> env = Map.of("GOPROXY", proxy.toUri().toString().replaceFirst("^file:/+", "file:///"), "GOSUMDB", "off",
        "GOFLAGS", "-modcacherw -mod=mod -buildvcs=false", "GOPATH", tmp.resolve("gopath").toString(),
        "GOCACHE", tmp.resolve("gocache").toString(), "HOME", tmp.toString(), "CGO_ENABLED", "0");
    go(src, env, "mod", "tidy");
    app = tmp.resolve("app");
    app386 = tmp.resolve("app-386");
    go(src, env, "build", "-o", app.toString(), ".");
    Map<String, String> env386 = new java.util.HashMap<>(env);
    env386.put("GOARCH", "386");
    go(src, env386, "build", "-ldflags=-s -w", "-o", app386.toString(), ".");
    appStamped = tmp.resolve("app-stamped");
    go(src, env, "build", "-ldflags=-X main.version=1.2.3", "-o", appStamped.toString(), ".");
  }

  /** Runs go in {@code dir} (Go 1.19 has no {@code -C}). */
  private static void go(Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && exec go \"$@\"", "sh", dir.toString()));
    cmd.addAll(List.of(args));
    Tools.run(TIMEOUT, env, cmd);
  }

  /** A module as a GOPROXY serves it: version list, info, go.mod and zip. */
  private static void publish(Path proxy, String path, String version, String declaredPath, String source) throws IOException {
    Path dir = Files.createDirectories(proxy.resolve(path).resolve("@v"));
    String goMod = "module " + declaredPath + "\n\ngo 1.18\n";
    Files.writeString(dir.resolve("list"), version + "\n");
    Files.writeString(dir.resolve(version + ".info"), "{\"Version\":\"" + version + "\",\"Time\":\"2024-01-01T00:00:00Z\"}");
    Files.writeString(dir.resolve(version + ".mod"), goMod);
    try (OutputStream out = Files.newOutputStream(dir.resolve(version + ".zip")); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var f : Map.of("go.mod", goMod, "code.go", source).entrySet()) {
        zip.putNextEntry(new ZipEntry(path + "@" + version + "/" + f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  @Test
  void modulesAreThoseGoVersionListsBothWays() throws IOException {
    List<Path> binaries = new java.util.ArrayList<>(List.of(app, app386));
    DEBIAN_GO_PROGRAMS.stream().map(Path::of).filter(Files::isExecutable).forEach(binaries::add);
    assertThat(binaries).as("a Go program from Debian to compare with").hasSizeGreaterThan(2);
    LayerBuilder layer = new LayerBuilder();
    for (Path b : binaries) {
      layer.file("bin/" + b.getFileName(), Files.readAllBytes(b), 0755);
    }
    Path layout = tmp.resolve("layout");
    new OciLayoutBuilder().layer(layer).write(layout);
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1000));
      CatalogResult result = new GoBinaryCataloger().catalog(tree, new CatalogContext(null, tmp, 1 << 20));
      SbomAssertions.roundTripsThroughCycloneDx(result, tmp);
      assertThat(result.unknowns()).isEmpty();
      for (Path b : binaries) {
        GoVersionM expected = GoVersionM.of(b);
        List<Package> found = result.packages().stream().filter(p -> p.location().path().equals("/bin/" + b.getFileName())).toList();
        Set<String> modules = found.stream().filter(p -> !p.name().equals("stdlib")).map(p -> p.name() + "@" + p.version())
            .collect(Collectors.toCollection(TreeSet::new));
        assertThat(modules).as(b.toString()).isEqualTo(expected.modules());
        assertThat(found).as(b + " stdlib").filteredOn(p -> p.name().equals("stdlib")).singleElement()
            .satisfies(p -> assertThat(p.metadata()).containsEntry("goVersion", expected.goVersion()))
            .satisfies(p -> assertThat("go" + p.version().substring(1)).isEqualTo(expected.goVersion()));
      }
      assertThat(GoVersionM.of(app).modules()).as("the program built here exercises replacements")
          .containsExactly("example.com/app@(devel)", "example.com/greet@v1.0.0", "example.com/local@(devel)", "example.com/new@v1.1.0");
      assertThat(result.packages()).extracting(Package::purl).contains("pkg:golang/example.com/new@v1.1.0", "pkg:golang/example.com/greet@v1.0.0");
    }
  }

  @Test
  void develMainModuleTakesTheVersionLdflagsStamped() throws IOException {
    assertThat(Tools.run(TIMEOUT, appStamped.toString()).stdoutText()).as("the linker set main.version").endsWith(" 1.2.3\n");
    GoVersionM expected = GoVersionM.of(appStamped);
    assertThat(expected.modules()).as("go itself does not know the version").contains("example.com/app@(devel)");
    CatalogResult result = FixtureTrees.catalog(new GoBinaryCataloger(), new LayerBuilder().file("bin/app", Files.readAllBytes(appStamped), 0755), tmp);
    assertThat(result.unknowns()).isEmpty();
    Package main = result.packages().stream().filter(p -> p.metadata().containsKey("mainModule")).findFirst().orElseThrow();
    assertThat(main.purl()).isEqualTo("pkg:golang/example.com/app@v1.2.3");
    assertThat(main.metadata()).containsEntry("versionFrom", "ldflags").containsEntry("versionSymbol", "main.version")
        .containsEntry("build.-ldflags", "-X main.version=1.2.3");
    Set<String> modules = result.packages().stream().filter(p -> !p.name().equals("stdlib")).map(p -> p.name() + "@" + p.version())
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expectedModules = new TreeSet<>(expected.modules());
    expectedModules.remove("example.com/app@(devel)");
    expectedModules.add("example.com/app@v1.2.3");
    assertThat(modules).isEqualTo(expectedModules);
  }
}
