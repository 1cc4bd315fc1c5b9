package dev.portcullis.catalog.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;

/** What every acceptance image's catalog must survive: its CycloneDX SBOM validates, and reading that SBOM back gives the same packages. */
public final class SbomAssertions {
  private SbomAssertions() {}

  public static void roundTripsThroughCycloneDx(CatalogResult result, Path tmp) throws IOException {
    roundTripsThroughCycloneDx(new Catalog(Optional.empty(), result.packages(), result.unknowns()), tmp);
  }

  public static void roundTripsThroughCycloneDx(Catalog catalog, Path tmp) throws IOException {
    String json = CycloneDx.write(catalog, "acceptance-image", Digest.sha256("acceptance-image".getBytes(StandardCharsets.UTF_8)), "test");
    assertThat(new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).as("CycloneDX 1.6 schema problems").isEmpty();
    Path file = Files.writeString(Files.createTempFile(tmp, "bom", ".cdx.json"), json);
    Catalog back = SbomReader.read(file);
    assertThat(back.unknowns()).as("unknowns read back").isEqualTo(catalog.unknowns().stream()
        .map(u -> new Unknown(new Location(u.location().path(), -1, null), u.cataloger(), u.reason())).toList());
    assertThat(identities(back.packages())).as("packages read back from sbom:" + file.getFileName()).isEqualTo(identities(catalog.packages()));
    assertThat(back.distro().map(d -> d.id() + " " + d.versionId())).isEqualTo(catalog.distro().map(d -> d.id() + " " + d.versionId()));
  }

  /** Everything a scan of the SBOM relies on, one line per package, sorted (duplicates kept). */
  private static List<String> identities(List<Package> packages) {
    return packages.stream()
        .map(p -> String.join(" | ", p.purl(), p.name(), p.version(), p.foundBy(), p.location().path(), String.valueOf(p.location().layerDiffId()),
            String.valueOf(p.managedBy()), p.sourceIfAny().map(s -> s.name() + "@" + s.version()).orElse("-")))
        .sorted().toList();
  }
}
