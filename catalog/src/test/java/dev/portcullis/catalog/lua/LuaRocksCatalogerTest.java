package dev.portcullis.catalog.lua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuaRocksCatalogerTest {
  @TempDir Path tmp;

  @Test
  void eachInstalledRockOfEachLuaVersionAndABadOneIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new LuaRocksCataloger(), "/dev/portcullis/catalog/lua/tree", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:luarocks/inspect@3.1.3-0 /usr/local/lib/luarocks/rocks-5.4/inspect/3.1.3-0/rock_manifest",
        "pkg:luarocks/lpeg@1.1.0-1 /usr/local/lib/luarocks/rocks-5.1/lpeg/1.1.0-1/rock_manifest",
        "pkg:luarocks/luasocket@3.1.0-1 /usr/local/lib/luarocks/rocks-5.4/luasocket/3.1.0-1/rock_manifest");
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/usr/local/lib/luarocks/rocks-5.4/broken/scm/rock_manifest: ").endsWith("directory 'scm' is not VERSION-REVISION"),
        u -> assertThat(u).startsWith("/usr/local/lib/luarocks/rocks-5.4/garbled/1.0-1/rock_manifest: ").endsWith("not a rock_manifest = { ... } table"));
  }
}
