package dev.portcullis.catalog.dotnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * NuGet packages of a .NET application: the {@code libraries} of type {@code package} in its
 * {@code *.deps.json} ({@code "Newtonsoft.Json/13.0.3": {"type": "package"}}). Projects and the
 * application itself are not packages.
 */
public final class DotnetDepsCataloger extends FileCataloger {
  public static final String NAME = "dotnet-deps-cataloger";

  public DotnetDepsCataloger() {
    super(NAME, WholeFiles.matching("dotnet-deps-json", "**/*.deps.json"), DotnetDepsCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode root = CatalogJson.MAPPER.readTree(content);
    if (root == null || !root.path("libraries").isObject()) {
      throw new IllegalArgumentException("no \"libraries\" object");
    }
    List<Package> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.path("libraries").properties()) {
      if (!e.getValue().path("type").asText("").equals("package")) {
        continue;
      }
      int slash = e.getKey().indexOf('/');
      if (slash <= 0 || slash == e.getKey().length() - 1) {
        throw new IllegalArgumentException("library key '" + e.getKey() + "' is not name/version");
      }
      String name = e.getKey().substring(0, slash);
      String version = e.getKey().substring(slash + 1);
      Map<String, String> metadata = new TreeMap<>();
      if (e.getValue().path("sha512").isTextual()) {
        metadata.put("sha512", e.getValue().path("sha512").asText());
      }
      out.add(new Package(name, "", version, Ecosystem.NUGET, PackageUrls.of(Ecosystem.NUGET, "", name, version), NAME, List.of(location), null, null,
          metadata));
    }
    return out;
  }
}
