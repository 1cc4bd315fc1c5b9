package dev.portcullis.catalog.alpm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.python.PythonPackageCataloger;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlpmCatalogerTest {
  private static final String ARCH = "/dev/portcullis/catalog/alpm/arch";
  @TempDir Path tmp;

  @Test
  void eachDescIsAPackageAndABrokenOneIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new AlpmCataloger(), ARCH, tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactly(
        "pkg:alpm/arch/gcc-libs@14.1.1%2Br58%2Bgfc9fb69ad62-1?arch=x86_64&distro=arch&upstream=gcc",
        "pkg:alpm/arch/gmp@6.3.0-2?arch=x86_64&distro=arch",
        "pkg:alpm/arch/python-packaging@24.0-1?arch=any&distro=arch",
        "pkg:alpm/arch/zlib@1%3A1.3.1-2?arch=x86_64&distro=arch");
    Package gcc = r.packages().get(0);
    assertThat(gcc.ecosystem()).isEqualTo(Ecosystem.ALPM);
    assertThat(gcc.source()).isEqualTo(new Package.SourcePackage("gcc", "14.1.1+r58+gfc9fb69ad62-1"));
    assertThat(gcc.location().path()).isEqualTo("/var/lib/pacman/local/gcc-libs-14.1.1+r58+gfc9fb69ad62-1/desc");
    assertThat(r.packages().get(1).metadata()).containsEntry("license", "LGPL-3.0-or-later AND GPL-2.0-or-later").containsEntry("architecture", "x86_64");
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/var/lib/pacman/local/broken-1.0-1/desc: ").endsWith("no %VERSION% value"),
        u -> assertThat(u).startsWith("/var/lib/pacman/local/garbage-1-1/desc: ").endsWith("no %NAME% value"));
    assertThat(r.ownedFiles()).containsEntry("/usr/lib/libgmp.so.10.5.0", "gmp")
        .containsEntry("/usr/lib/python3.12/site-packages/packaging-24.0.dist-info/METADATA", "python-packaging")
        .doesNotContainKey("/usr/lib/");
  }

  @Test
  void theDistributionNamesThePackagesAndOwnsThePythonPackageItInstalled() throws IOException {
    Catalog catalog = FixtureTrees.withTree(tmp.resolve("layout"), List.of(FixtureTrees.layerOf(FixtureTrees.resource(ARCH), "")),
        tree -> Catalog.of(tree, List.of(new AlpmCataloger(), new PythonPackageCataloger()), tmp));
    assertThat(catalog.distro()).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo("arch"));
    assertThat(catalog.packages()).filteredOn(p -> p.ecosystem() == Ecosystem.PYPI).singleElement()
        .satisfies(p -> assertThat(p.managedBy()).isEqualTo("python-packaging"));
    assertThat(catalog.packages()).filteredOn(p -> p.ecosystem() == Ecosystem.ALPM).extracting(Package::displayName)
        .containsExactly("gcc-libs", "gmp", "python-packaging", "zlib");
  }
}
