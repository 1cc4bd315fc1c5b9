package dev.portcullis.catalog.homebrew;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formulae Homebrew installed: each keg {@code Cellar/NAME/VERSION/} (on Linux under
 * {@code /home/linuxbrew/.linuxbrew}, on macOS under {@code /opt/homebrew} or {@code /usr/local})
 * holds the {@code INSTALL_RECEIPT.json} Homebrew writes when it pours or builds it. The keg's
 * directories name the formula and its version with revision ({@code 3.3.1_1}); the receipt gives the
 * tap. The PURL is {@code pkg:brew/NAME@VERSION}, as Syft writes it. A receipt that is not a JSON
 * object is one unknown.
 */
public final class HomebrewCataloger extends FileCataloger {
  public static final String NAME = "homebrew-cataloger";
  private static final Pattern KEG = Pattern.compile(".*/Cellar/([^/]+)/([^/]+)/INSTALL_RECEIPT\\.json");

  public HomebrewCataloger() {
    super(NAME, WholeFiles.matching("homebrew-receipts", "**/Cellar/*/*/INSTALL_RECEIPT.json"), HomebrewCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException {
    Matcher keg = KEG.matcher(entry.path());
    if (!keg.matches()) {
      return List.of();
    }
    JsonNode receipt = CatalogJson.MAPPER.readTree(content);
    if (receipt == null || !receipt.isObject()) {
      throw new IllegalArgumentException("not a JSON object: not an INSTALL_RECEIPT.json");
    }
    String name = keg.group(1);
    String version = keg.group(2);
    Map<String, String> metadata = new TreeMap<>();
    String tap = receipt.path("source").path("tap").asText("");
    if (!tap.isEmpty()) {
      metadata.put("tap", tap);
    }
    if (receipt.path("homebrew_version").isTextual()) {
      metadata.put("homebrew-version", receipt.path("homebrew_version").asText());
    }
    return List.of(new Package(name, "", version, Ecosystem.HOMEBREW, PackageUrls.of(Ecosystem.HOMEBREW, "", name, version), NAME, List.of(location),
        null, null, metadata));
  }
}
