package dev.portcullis.catalog.erlang;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebarLockCatalogerTest {
  @TempDir Path tmp;

  @Test
  void pkgDepsOverOneLineOrSeveralAreHexPackagesByTheirPackageName() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new RebarLockCataloger(), "/dev/portcullis/catalog/erlang/locks", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:hex/certifi@2.12.0 /srv/emqx/rebar.lock",
        "pkg:hex/cowboy@2.6.1 /old/rebar.lock",
        "pkg:hex/cowlib@2.12.1 /srv/emqx/rebar.lock",
        "pkg:hex/cowlib@2.7.0 /old/rebar.lock",
        "pkg:hex/prometheus_process_collector@1.6.0 /srv/emqx/rebar.lock",
        "pkg:hex/ranch@1.7.1 /old/rebar.lock",
        "pkg:hex/uuid_erl@2.0.1 /srv/emqx/rebar.lock");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("uuid_erl")).extracting(p -> p.metadata().get("checksum"))
        .containsExactly("C13F30F291F9E91278BC7B7ADF56D8D89AFD26F5DB5F6E10F13FA24C0C90FED2");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/srv/emqx/rebar.lock");
      assertThat(u.reason()).contains("dep 'ranch'");
    });
  }

  @Test
  void garbageIsNotALockFile() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RebarLockCataloger.parse(null, null, "PK\u0003\u0004".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageContaining("not a rebar.lock");
  }
}
