package dev.portcullis.catalog.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rocks tree, made by Debian's {@code luarocks} from local rockspecs (no network), catalogued
 * from its files at {@code /usr/local}, against what {@code luarocks list --porcelain} says is installed.
 */
class LuaRocksTreeMatchesLuarocksListIT {
  @TempDir Path tmp;

  @Test
  void everyRockLuarocksListsIsFoundAtItsVersion() throws Exception {
    Path tree = tmp.resolve("tree");
    install(tree, "hello", "1.2.0-3");
    install(tree, "lua-cjson-shim", "0.9.1-1");
    List<String> listed = run(tmp, "luarocks", "--tree=" + tree, "list", "--porcelain").stream()
        .map(l -> l.split("\t")).map(c -> c[0] + " " + c[1]).toList();
    assertThat(listed).containsExactlyInAnyOrder("hello 1.2.0-3", "lua-cjson-shim 0.9.1-1");
    CatalogResult r = FixtureTrees.catalog(new LuaRocksCataloger(), FixtureTrees.layerOf(tree, "usr/local"), tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.name() + " " + p.version()).containsExactlyInAnyOrderElementsOf(listed);
    assertThat(r.packages()).extracting(p -> p.location().path()).allMatch(p -> p.startsWith("/usr/local/lib/luarocks/rocks-5.1/"));
  }

  private void install(Path tree, String name, String version) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("mod.lua"), "return { name = '" + name + "' }\n");
    Path rockspec = dir.resolve(name + "-" + version + ".rockspec");
    Files.writeString(rockspec, String.join("\n",
        "package = \"" + name + "\"",
        "version = \"" + version + "\"",
        "source = { url = \"file://.\" }",
        "description = { summary = \"a rock of the test\", license = \"MIT\" }",
        "dependencies = { \"lua >= 5.1\" }",
        "build = { type = \"builtin\", modules = { [\"" + name.replace('-', '_') + "\"] = \"mod.lua\" } }", ""));
    run(dir, "luarocks", "--tree=" + tree, "make", rockspec.getFileName().toString());
  }

  private static List<String> run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
