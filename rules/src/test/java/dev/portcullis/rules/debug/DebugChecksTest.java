package dev.portcullis.rules.debug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.rules.CheckFixtureRunner;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.FileRef;
import dev.portcullis.rules.content.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every debug check against its fixtures: {@code checks/<ID>/bad} and {@code good}, each an image
 * as a {@code config.json} (the config fields that matter), a {@code rootfs} tree and a
 * {@code listing.txt} of entries a fixture tree cannot hold. The bad one
 * hits the check, the good one (a near miss) does not.
 */
class DebugChecksTest {
  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(e -> out.add(e.asText()));
    return out;
  }

  static Contents image(String id, Path dir) throws IOException {
    List<Text> texts = new ArrayList<>();
    Path configFile = dir.resolve("config.json");
    if (Files.exists(configFile)) {
      JsonNode c = new ObjectMapper().readTree(configFile.toFile());
      List<String> ports = new ArrayList<>();
      c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
      Map<String, String> labels = new TreeMap<>();
      c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      ImageConfig config = new ImageConfig(Platform.parse("linux/amd64"), "", "1000", strings(c.path("Env")), strings(c.path("Entrypoint")),
          strings(c.path("Cmd")), "", ports, List.of(), labels, "", null, List.of(), List.of());
      texts.addAll(Contents.configTexts(id, config));
    }
    List<FileRef> refs = new ArrayList<>();
    Path rootfs = dir.resolve("rootfs");
    if (Files.isDirectory(rootfs)) {
      try (Stream<Path> files = Files.walk(rootfs)) {
        for (Path f : files.filter(f -> !f.equals(rootfs)).sorted().toList()) {
          String path = "/" + rootfs.relativize(f).toString().replace('\\', '/');
          boolean regular = Files.isRegularFile(f);
          refs.add(new FileRef(path, regular ? FileType.REGULAR : FileType.DIRECTORY, new Text.Origin.OnDisk(path)));
          if (regular) {
            texts.add(new Text(Text.Kind.FILE, path, new Text.Origin.OnDisk(path), Files.readString(f)));
          }
        }
      }
    }
    // "d /path" or "f /path" a line: entries git cannot hold in a fixture tree, such as .git directories
    Path listing = dir.resolve("listing.txt");
    if (Files.exists(listing)) {
      for (String line : Files.readAllLines(listing)) {
        String path = line.substring(2);
        refs.add(new FileRef(path, line.startsWith("d ") ? FileType.DIRECTORY : FileType.REGULAR, new Text.Origin.OnDisk(path)));
      }
    }
    return new Contents(id, texts, List.of(), refs);
  }

  @TestFactory
  Stream<DynamicTest> everyCheckAgainstItsFixtures() {
    return CheckFixtureRunner.tests(DebugChecksTest.class, DebugChecks.all(), f -> image(f.checkId(), f.path()));
  }

  /** The files a debug check reads whatever their text, by the path alone. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "/etc/php/8.2/cli/php.ini, true", "/usr/local/etc/php.ini, true", "/etc/php/8.2/mods-available/xdebug.ini, true",
      "/opt/xdebug-3.ini, true", "/etc/odbc.ini, false", "/etc/php/8.2/cli/php.ini.bak, false",
      "/app/config/debug.properties, true", "/app/APP-DEBUG.YAML, true", "/app/remote_debug.json, true", "/app/debugger.properties, false",
      "/app/debug.txt, false", "/srv/app/application.properties, true", "/srv/app/application-prod.yml, true",
      "/srv/app/bootstrap.yaml, true", "/srv/app/Application.properties, false", "/srv/app/application.json, false",
      "/srv/site/settings.py, true", "/usr/lib/x86_64-linux-gnu/libc.so.6, false"})
  void aFileIsWantedByItsPathWhereADebugCheckReadsIt(String path, boolean wanted) {
    org.assertj.core.api.Assertions.assertThat(DebugChecks.wantsPath(path)).isEqualTo(wanted);
  }
}
