package dev.portcullis.catalog.rust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.ElfExecutables;
import dev.portcullis.catalog.ElfSections;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Crates compiled into ELF executables that cargo-auditable built, from the zlib-compressed JSON
 * in their {@code .dep-v0} section: every package of the build, the root crate flagged
 * {@code root}, each with its {@code source} ({@code crates.io}, {@code local}, {@code git},
 * {@code registry}...) and {@code kind} ({@code runtime} or {@code build}). Executables without
 * the section, or without section headers at all, are skipped without a word; a section that does
 * not inflate to that JSON, or inflates to more than {@value #MAX_JSON} bytes, is an
 * {@link dev.portcullis.catalog.Unknown}.
 */
public final class CargoAuditableBinaryCataloger implements Cataloger {
  public static final String NAME = "cargo-auditable-binary-cataloger";
  static final String SECTION = ".dep-v0";
  /** Real dependency lists inflate to a few KiB; the bound stops a zlib bomb. */
  static final int MAX_JSON = 8 << 20;
  private static final FileCapture SECTION_BYTES = ElfExecutables.capture("cargo-auditable-dep-v0", 1, CargoAuditableBinaryCataloger::extract);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(SECTION_BYTES);
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    return ElfExecutables.readEach(tree, context, NAME, SECTION_BYTES, (location, compressed) -> packages(inflate(compressed), location));
  }

  /** The compressed {@value #SECTION} section; null for executables without one. */
  static byte @Nullable [] extract(SeekableByteChannel elf) throws IOException {
    Optional<ElfSections.Section> found = ElfSections.read(elf).flatMap(s -> s.find(SECTION));
    if (found.isEmpty()) {
      return null;
    }
    ElfSections.Section section = found.get();
    if (!section.inFile(elf.size())) {
      throw new IllegalArgumentException("section " + SECTION + " (" + section.size() + " bytes at " + section.offset() + ") is not inside the file");
    }
    if (section.size() > MAX_JSON) {
      throw new IllegalArgumentException("section " + SECTION + " of " + section.size() + " bytes is larger than the " + MAX_JSON + " read");
    }
    return ElfSections.bytesAt(elf, section.offset(), (int) section.size()).array();
  }

  /** The zlib stream inflated, refused beyond {@link #MAX_JSON} bytes: a small section may expand without bound. */
  static byte[] inflate(byte[] compressed) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[1 << 16];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("section " + SECTION + ": zlib stream ends before its end marker");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_JSON) {
          throw new IllegalArgumentException("section " + SECTION + " inflates to more than " + MAX_JSON + " bytes");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("section " + SECTION + " is not zlib data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  /** {@code {"packages":[{"name","version","source","kind","dependencies":[0],"root":true}]}}, one package each. */
  static List<Package> packages(byte[] json, Location location) throws IOException {
    JsonNode list = CatalogJson.MAPPER.readTree(json).path("packages");
    if (!list.isArray()) {
      throw new IllegalArgumentException("section " + SECTION + " holds no \"packages\" array");
    }
    List<Package> out = new ArrayList<>();
    for (JsonNode p : list) {
      String name = p.path("name").asText("");
      String version = p.path("version").asText("");
      if (name.isEmpty() || version.isEmpty() || !p.path("name").isTextual() || !p.path("version").isTextual()) {
        throw new IllegalArgumentException("section " + SECTION + ": package " + out.size() + " has no name or version");
      }
      Map<String, String> metadata = new TreeMap<>();
      if (p.path("source").isTextual()) {
        metadata.put("source", p.path("source").asText());
      }
      // cargo-auditable leaves out the defaults: kind runtime, root false
      metadata.put("kind", p.path("kind").asText("runtime"));
      if (p.path("root").asBoolean(false)) {
        metadata.put("root", "true");
      }
      out.add(new Package(name, "", version, Ecosystem.CARGO, PackageUrls.of(Ecosystem.CARGO, "", name, version), NAME, List.of(location), null, null,
          metadata));
    }
    return out;
  }
}
