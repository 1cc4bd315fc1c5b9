package dev.portcullis.catalog.rust;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real executable (gcc) given a {@code .dep-v0} section by {@code objcopy}, as cargo-auditable's
 * linker step would leave it, then a copy run through {@code strip}: the
 * {@code cargo-auditable-binary-cataloger} finds in both exactly the packages of the embedded
 * JSON, and nothing in the program without the section. (cargo-auditable itself cannot be
 * installed here: crates.io is out of reach.)
 */
class CargoAuditableBinaryIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir static Path tmp;
  private static Path plain;
  private static Path audited;
  private static Path stripped;

  @BeforeAll
  static void build() throws IOException {
    Tools.require("gcc");
    Tools.require("objcopy");
    Tools.require("strip");
    Path source = Files.writeString(tmp.resolve("hello.c"), "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n");
    Path payload = Files.write(tmp.resolve("dep-v0.zlib"),
        CargoAuditableBinaryCatalogerTest.zlib(CargoAuditableBinaryCatalogerTest.DEPENDENCIES.getBytes(StandardCharsets.UTF_8)));
    plain = tmp.resolve("hello");
    audited = tmp.resolve("hello-audited");
    stripped = tmp.resolve("hello-audited-stripped");
    Tools.run(TIMEOUT, "gcc", "-O1", "-o", plain.toString(), source.toString());
    Tools.run(TIMEOUT, "objcopy", "--add-section", ".dep-v0=" + payload, "--set-section-flags", ".dep-v0=noload,readonly", plain.toString(), audited.toString());
    Tools.run(TIMEOUT, "strip", "-o", stripped.toString(), audited.toString());
    // the programs still run: objcopy and strip left them intact
    for (Path p : java.util.List.of(plain, audited, stripped)) {
      assertThat(Tools.run(TIMEOUT, p.toString()).stdoutText()).isEqualTo("hello\n");
    }
  }

  @Test
  void bothAuditedBinariesHoldTheEmbeddedPackagesAndThePlainOneNothing() throws IOException {
    Set<String> embedded = new TreeSet<>();
    for (JsonNode p : new ObjectMapper().readTree(CargoAuditableBinaryCatalogerTest.DEPENDENCIES).path("packages")) {
      embedded.add(p.path("name").asText() + "@" + p.path("version").asText() + " " + p.path("source").asText() + " "
          + p.path("kind").asText("runtime") + (p.path("root").asBoolean(false) ? " root" : ""));
    }
    LayerBuilder layer = new LayerBuilder();
    for (Path p : java.util.List.of(plain, audited, stripped)) {
      layer.file("usr/bin/" + p.getFileName(), Files.readAllBytes(p), 0755);
    }
    CatalogResult r = FixtureTrees.catalog(new CargoAuditableBinaryCataloger(), layer, tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(found(r, "/usr/bin/hello-audited")).hasSize(4).isEqualTo(embedded);
    assertThat(found(r, "/usr/bin/hello-audited-stripped")).isEqualTo(embedded);
    assertThat(found(r, "/usr/bin/hello")).isEmpty();
  }

  private static Set<String> found(CatalogResult r, String path) {
    Set<String> out = new TreeSet<>();
    for (Package p : r.packages()) {
      if (p.location().path().equals(path)) {
        assertThat(p.purl()).isEqualTo("pkg:cargo/" + p.name() + "@" + p.version());
        out.add(p.name() + "@" + p.version() + " " + p.metadata().get("source") + " " + p.metadata().get("kind")
            + ("true".equals(p.metadata().get("root")) ? " root" : ""));
      }
    }
    return out;
  }
}
