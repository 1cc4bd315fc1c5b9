package dev.portcullis.catalog.swift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodfileLockCatalogerTest {
  @TempDir Path tmp;

  @Test
  void eachPodOnceWhateverItsSubspecsAndAnItemWithoutVersionIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new PodfileLockCataloger(), "/dev/portcullis/catalog/swift/pods", tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactly(
        "pkg:cocoapods/Alamofire@5.8.1",
        "pkg:cocoapods/Firebase@10.18.0",
        "pkg:cocoapods/FirebaseAnalytics@10.18.0",
        "pkg:cocoapods/GoogleUtilities@7.12.0",
        "pkg:cocoapods/PromisesObjC@2.3.1",
        "pkg:cocoapods/nanopb@2.30909.1");
    assertThat(r.packages().get(0).metadata()).containsEntry("checksum", "3ca42e259043ee0dc5c0cdd76c4bc568b8e42af7");
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/ios/App/Podfile.lock: ").endsWith("pod 'SDWebImage' is not NAME (VERSION)"),
        u -> assertThat(u).startsWith("/broken/Podfile.lock: ").contains("no PODS list"));
  }
}
