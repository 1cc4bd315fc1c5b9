package dev.portcullis.catalog.ruby;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Ruby ({@code ruby3.1}, which installs {@code libruby3.1}): every gem RubyGems itself
 * knows in that image, the default gems of {@code specifications/default} included, is catalogued
 * with the version RubyGems gives.
 */
class DebianRubyGemsIT {
  private static final String DEFAULT_SPECS = "usr/lib/ruby/gems/3.1.0/specifications/default";

  @TempDir Path tmp;

  @Test
  void everyGemRubyGemsKnowsIsFoundDefaultGemsIncluded() throws IOException {
    DebootstrapWithPackages.Image debian = DebootstrapWithPackages.of(List.of("ruby3.1"));
    String listed = new String(Tools.run(Duration.ofMinutes(1), "chroot", debian.rootfs().toString(), "ruby", "-e",
        "Gem::Specification.each { |s| puts \"#{s.name}@#{s.version}\" }").stdout(), StandardCharsets.UTF_8);
    Set<String> rubygems = listed.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    long defaults;
    try (Stream<Path> s = Files.list(debian.rootfs().resolve(DEFAULT_SPECS))) {
      defaults = s.filter(p -> p.toString().endsWith(".gemspec")).count();
    }
    assertThat(defaults).as("libruby3.1's default gems").isGreaterThanOrEqualTo(70);
    try (Image image = Images.open(new ImageSource.OciLayout(debian.layout(), null), ReadOptions.defaults())) {
      Catalog catalog = Catalog.read(image, new LayerScanner(null, 1_000_000), Catalogers.defaults(), tmp);
      Set<String> found = catalog.packages().stream().filter(p -> p.ecosystem() == Ecosystem.RUBYGEMS).map(p -> p.name() + "@" + p.version())
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(found).isEqualTo(rubygems);
      assertThat(catalog.packages()).filteredOn(p -> p.location().path().startsWith("/" + DEFAULT_SPECS + "/")).hasSize((int) defaults)
          .allSatisfy(p -> assertThat(p.managedBy()).isEqualTo("libruby3.1"));
      assertThat(catalog.unknowns()).filteredOn(u -> u.cataloger().equals(GemspecCataloger.NAME)).isEmpty();
    }
  }
}
