package dev.portcullis.catalog.haskell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaskellCatalogerTest {
  @TempDir Path tmp;

  @Test
  void hackagePinsOfStackAndCabalAndAnEntryThatDoesNotReadIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new HaskellCataloger(), "/dev/portcullis/catalog/haskell", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:hackage/Cabal@3.10.1.0 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/Cabal-syntax@3.10.1.0 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/acme-missiles@0.3 /stack/app/stack.yaml.lock",
        "pkg:hackage/aeson@2.1.2.1 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/base@4.18.0.0 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/bytestring@0.11.4.0 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/http-client@0.7.17 /stack/app/stack.yaml.lock",
        "pkg:hackage/text@2.0.2 /cabal/svc/cabal.project.freeze",
        "pkg:hackage/zlib@0.6.3.0 /cabal/svc/cabal.project.freeze");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("acme-missiles")).singleElement()
        .satisfies(p -> assertThat(p.metadata()).containsEntry("sha256", "2ba66a092a32593880a87fb00f3213762d7bca65a687d45965778deb8694c5d1"));
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/cabal/svc/cabal.project.freeze: ").endsWith("constraint 'any.broken ==1.x' is not any.NAME ==VERSION"),
        u -> assertThat(u).startsWith("/stack/app/stack.yaml.lock: ").contains("is not NAME-VERSION@sha256:HASH,SIZE"),
        u -> assertThat(u).startsWith("/broken/stack.yaml.lock: ").contains("not a stack.yaml.lock"));
  }
}
