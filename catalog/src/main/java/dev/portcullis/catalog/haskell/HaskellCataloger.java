package dev.portcullis.catalog.haskell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.CatalogYaml;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hackage packages Haskell's build tools pin: {@code stack.yaml.lock}, whose {@code packages[]}
 * entries resolved from Hackage read {@code completed.hackage: NAME-VERSION@sha256:HASH,SIZE}
 * (entries from git or an archive are not Hackage packages), and {@code cabal.project.freeze},
 * whose {@code constraints} pin {@code any.NAME ==VERSION} (or {@code NAME ==VERSION}); its flag
 * settings ({@code zlib -pkg-config}) and {@code installed} constraints of the compiler's own
 * libraries pin no Hackage release. An entry that does not read is one unknown.
 */
public final class HaskellCataloger extends FileCataloger {
  public static final String NAME = "haskell-cataloger";
  // PVP: a name of letter-bearing words joined by '-', then '-' and a dotted version
  private static final Pattern HACKAGE = Pattern.compile("([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*)-([0-9]+(?:\\.[0-9]+)*)(?:@(?:sha256:)?([0-9a-f]{64})(?:,([0-9]+))?)?");
  private static final Pattern PIN = Pattern.compile("(?:any\\.)?([A-Za-z0-9-]+)\\s*==\\s*([0-9]+(?:\\.[0-9]+)*)");

  public HaskellCataloger() {
    super(NAME, WholeFiles.matching("haskell-locks", "**/stack.yaml.lock", "**/cabal.project.freeze"), HaskellCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    return entry.path().endsWith("/stack.yaml.lock") ? stackLock(content, location) : cabalFreeze(new String(content, StandardCharsets.UTF_8), location);
  }

  private static Parsed stackLock(byte[] content, Location location) throws IOException {
    JsonNode root = CatalogYaml.MAPPER.readTree(content);
    if (root == null || !root.path("packages").isArray()) {
      throw new IllegalArgumentException("no packages list: not a stack.yaml.lock");
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode p : root.path("packages")) {
      JsonNode hackage = p.path("completed").path("hackage");
      if (hackage.isMissingNode()) {
        continue;
      }
      Matcher m = HACKAGE.matcher(hackage.asText(""));
      if (!hackage.isTextual() || !m.matches()) {
        problems.add("package '" + shorten(hackage.toString()) + "' is not NAME-VERSION@sha256:HASH,SIZE");
        continue;
      }
      Map<String, String> metadata = new TreeMap<>();
      if (m.group(3) != null) {
        metadata.put("sha256", m.group(3));
      }
      packages.add(hackagePackage(m.group(1), m.group(2), location, metadata));
    }
    return new Parsed(packages, problems);
  }

  private static Parsed cabalFreeze(String text, Location location) {
    int start = text.indexOf("constraints:");
    if (start < 0) {
      throw new IllegalArgumentException("no constraints: not a cabal.project.freeze");
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    // the constraints field runs on over indented lines, one constraint per comma
    StringBuilder field = new StringBuilder(text.substring(start + "constraints:".length()).lines().findFirst().orElse(""));
    text.substring(start).lines().skip(1).takeWhile(l -> l.isEmpty() || Character.isWhitespace(l.charAt(0))).forEach(l -> field.append(' ').append(l));
    for (String raw : field.toString().split(",")) {
      String constraint = raw.strip();
      if (constraint.isEmpty() || !constraint.contains("==")) {
        // flags (zlib -pkg-config) and the compiler's installed libraries (any.base installed) pin no Hackage release
        continue;
      }
      Matcher m = PIN.matcher(constraint);
      if (!m.matches()) {
        problems.add("constraint '" + shorten(constraint) + "' is not any.NAME ==VERSION");
        continue;
      }
      packages.add(hackagePackage(m.group(1), m.group(2), location, Map.of()));
    }
    return new Parsed(packages, problems);
  }

  private static Package hackagePackage(String name, String version, Location location, Map<String, String> metadata) {
    return new Package(name, "", version, Ecosystem.HACKAGE, PackageUrls.of(Ecosystem.HACKAGE, "", name, version), NAME, List.of(location), null, null,
        metadata);
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
