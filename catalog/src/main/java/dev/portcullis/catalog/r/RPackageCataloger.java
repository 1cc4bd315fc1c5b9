package dev.portcullis.catalog.r;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.ControlParagraphs;
import dev.portcullis.catalog.internal.ControlParagraphs.Fields;
import dev.portcullis.catalog.internal.ControlParagraphs.Malformed;
import dev.portcullis.catalog.internal.ControlParagraphs.Paragraph;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * R packages installed in a library ({@code /usr/lib/R/library}, {@code site-library}, a user's
 * {@code renv} library): each {@code PACKAGE/DESCRIPTION}, a DCF file whose {@code Package} and
 * {@code Version} name it and whose {@code Built} field says {@code R CMD INSTALL} installed it (as
 * R's {@code installed.packages()} counts them; a source tree's DESCRIPTION has none), as {@code pkg:cran/NAME@VERSION}; {@code License}, {@code Priority}
 * ({@code base} for R's own packages, whose version is R's) and {@code Repository} are kept. A file
 * named {@code DESCRIPTION} that does not start with a field or has no {@code Package} field is
 * some other program's and left alone; one with it but no usable version is one unknown.
 */
public final class RPackageCataloger extends FileCataloger {
  public static final String NAME = "r-package-cataloger";
  private static final Pattern PACKAGE_FIELD = Pattern.compile("(?m)^Package:");
  // a DCF file starts with a field; a text file that merely mentions "Package:" does not
  private static final Pattern DCF_START = Pattern.compile("\\A\\s*[A-Za-z][A-Za-z0-9@/._-]*:");
  // R's package_version: at least two numbers joined by '.' or '-'
  private static final Pattern VERSION = Pattern.compile("[0-9]+([.-][0-9]+)+");

  public RPackageCataloger() {
    super(NAME, WholeFiles.matching("r-description", "**/DESCRIPTION"), RPackageCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    if (!PACKAGE_FIELD.matcher(text).find() || !DCF_START.matcher(text).lookingAt()) {
      return List.of();
    }
    List<Paragraph> paragraphs = ControlParagraphs.parse(text);
    if (paragraphs.isEmpty()) {
      return List.of();
    }
    Fields f = switch (paragraphs.get(0)) {
      case Malformed m -> throw new IllegalArgumentException(m.reason());
      case Fields fields -> fields;
    };
    if (!f.has("Built")) {
      // R CMD INSTALL writes Built:; a DESCRIPTION without it is a package's sources (or R's translations), which R does not list as installed
      return List.of();
    }
    String name = f.first("Package");
    String version = f.first("Version");
    if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("Package " + ControlParagraphs.shorten(name) + " is not a package name");
    }
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("package " + name + ": Version " + ControlParagraphs.shorten(version) + " is not an R package version");
    }
    Map<String, String> metadata = new TreeMap<>();
    for (String field : List.of("License", "Priority", "Repository")) {
      if (!f.first(field).isEmpty()) {
        metadata.put(field.toLowerCase(Locale.ROOT), f.first(field));
      }
    }
    return List.of(new Package(name, "", version, Ecosystem.CRAN, PackageUrls.of(Ecosystem.CRAN, "", name, version), NAME, List.of(location), null,
        null, metadata));
  }
}
