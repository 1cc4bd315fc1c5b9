package dev.portcullis.catalog.elixir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixLockCatalogerTest {
  @TempDir Path tmp;

  @Test
  void hexEntriesArePackagesGitAndPathAreNotAndAnUnreadableEntryIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new MixLockCataloger(), "/dev/portcullis/catalog/elixir/locks", tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactly(
        "pkg:hex/bandit@1.5.7", "pkg:hex/jason@1.4.4", "pkg:hex/phoenix@1.7.14", "pkg:hex/plug_crypto@2.1.0", "pkg:hex/poolboy@1.5.2");
    assertThat(r.packages().get(0).metadata()).containsEntry("checksum", "6856b1e1df4f2b0cb3df1377eab7891bec2da6a7fd69dc78594ad3e152363a50");
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/srv/phx/mix.lock: ").contains("line 9, entry 'telemetry'"),
        u -> assertThat(u).startsWith("/broken/mix.lock: ").contains("not a mix.lock"));
  }
}
