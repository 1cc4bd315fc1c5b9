package dev.portcullis.catalog.dotnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotnetDepsCatalogerTest {
  @TempDir Path tmp;

  @Test
  void packageLibrariesOnlyNotProjects() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new DotnetDepsCataloger(), "/dev/portcullis/catalog/dotnet/app", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:nuget/Newtonsoft.Json@13.0.1 /app/WeatherApi.deps.json",
        "pkg:nuget/System.Text.Encodings.Web@4.7.1 /app/WeatherApi.deps.json");
    assertThat(r.packages().get(0).metadata().get("sha512")).startsWith("sha512-ppPF");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/app/NoLibraries.deps.json");
      assertThat(u.reason()).contains("libraries");
    });
  }
}
