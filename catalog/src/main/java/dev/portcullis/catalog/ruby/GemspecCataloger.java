package dev.portcullis.catalog.ruby;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installed gems: the {@code specifications/*.gemspec} that RubyGems writes for each, and the
 * {@code specifications/default/*.gemspec} of the default gems that Ruby itself ships, read as text
 * (never evaluated): the {@code s.name}, {@code s.version} and {@code s.licenses} assignments.
 */
public final class GemspecCataloger extends FileCataloger {
  public static final String NAME = "gemspec-cataloger";
  private static final Pattern NAME_LINE = Pattern.compile("(?m)^\\s*s\\.name\\s*=\\s*[\"']([^\"']+)[\"']");
  private static final Pattern VERSION_LINE = Pattern.compile("(?m)^\\s*s\\.version\\s*=\\s*(?:Gem::Version\\.new\\()?\\s*[\"']([^\"']+)[\"']");
  private static final Pattern LICENSES_LINE = Pattern.compile("(?m)^\\s*s\\.licenses?\\s*=\\s*\\[?([^\\n\\]]*)");
  private static final Pattern QUOTED = Pattern.compile("[\"']([^\"']+)[\"']");

  public GemspecCataloger() {
    super(NAME, WholeFiles.matching("gemspec", "**/specifications/*.gemspec", "**/specifications/default/*.gemspec"), GemspecCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    Matcher name = NAME_LINE.matcher(text);
    Matcher version = VERSION_LINE.matcher(text);
    if (!name.find() || !version.find()) {
      throw new IllegalArgumentException("no s.name or s.version string assignment");
    }
    Map<String, String> metadata = new TreeMap<>();
    Matcher licenses = LICENSES_LINE.matcher(text);
    if (licenses.find()) {
      List<String> ids = new ArrayList<>();
      Matcher q = QUOTED.matcher(licenses.group(1));
      while (q.find()) {
        ids.add(q.group(1));
      }
      if (!ids.isEmpty()) {
        metadata.put("license", String.join(" OR ", ids));
      }
    }
    String purl = PackageUrls.of(Ecosystem.RUBYGEMS, "", name.group(1), version.group(1));
    return List.of(new Package(name.group(1), "", version.group(1), Ecosystem.RUBYGEMS, purl, NAME, List.of(location), null, null, metadata));
  }
}
