package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.sbom.CycloneDx;
import dev.portcullis.catalog.sbom.SbomReader;
import dev.portcullis.catalog.sbom.Spdx;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.tree.DirectoryImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/** {@code portcullis sbom SOURCE}: every package in an image, as a table, JSON, CycloneDX or SPDX. */
@Command(name = "sbom", mixinStandardHelpOptions = true,
    description = "List every package in an image with its PURL, the cataloger that found it, its path and layer; "
        + "--format table|json|cyclonedx-json|spdx-json. SOURCE may also be sbom:PATH, a CycloneDX or SPDX JSON SBOM, or dir:PATH, "
        + "a directory (a project with lock files, or an extracted root file system) read with the same catalogers; "
        + "its packages have no layer (-1).")
final class SbomCommand extends ImageCommand.Base {
  @Override
  Set<CommonOptions.Format> formats() {
    return EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON, CommonOptions.Format.CYCLONEDX_JSON, CommonOptions.Format.SPDX_JSON);
  }

  @Override
  int run() throws IOException {
    if (source.startsWith("sbom:")) {
      // an SBOM stands in for the image it describes; its own bytes identify it
      Path file = Path.of(source.substring("sbom:".length()));
      Catalog catalog = SbomReader.read(file);
      print(catalog, source, Digest.sha256(java.nio.file.Files.readAllBytes(file)));
      return 0;
    }
    try (Image image = openImage()) {
      boolean directory = DirectoryImage.isDirectory(image);
      // a directory's unreadable files are told (an image's warnings are left to image files and scan, as before)
      Catalog catalog = Catalog.read(image, scanner(), Catalogers.all(), Path.of(System.getProperty("java.io.tmpdir")),
          w -> {
            if (directory) {
              common.listener(stderr).warn(w);
            }
          });
      // a directory has no digest: the documents describe its files by its name alone
      print(catalog, image.name(), directory ? null : image.digest());
    }
    return 0;
  }

  @Override
  boolean readsDirectories() {
    return true;
  }

  private void print(Catalog catalog, String name, @Nullable Digest digest) throws IOException {
    String version = Main.Version.number();
    switch (common.format) {
      case CYCLONEDX_JSON -> stdout.println(CycloneDx.write(catalog, name, digest, version));
      case SPDX_JSON -> stdout.println(Spdx.write(catalog, name, digest, version));
      case JSON -> json(asJson(catalog));
      case TABLE -> table(catalog);
      case SARIF, CYCLONEDX_VDR -> throw new IllegalStateException("sbom does not write " + common.format.text);
    }
    for (Unknown u : catalog.unknowns()) {
      common.listener(stderr).warn("could not catalog " + u.location().path() + " (" + u.cataloger() + "): " + u.reason());
    }
  }

  private void table(Catalog catalog) {
    catalog.distro().ifPresent(d -> stdout.println(TerminalText.escape("OS: " + d + (d.prettyName().isEmpty() ? "" : " (" + d.prettyName() + ")"))));
    Table t = new Table("NAME", "VERSION", "TYPE", "LAYER", "FOUND BY", "PATH");
    for (Package p : catalog.packages()) {
      String name = p.displayName();
      t.row(name, p.version(), p.ecosystem().purlType() + (p.managedBy() == null ? "" : " (os)"), p.location().layerIndex(), p.foundBy(), p.location().path());
    }
    t.print(stdout);
  }

  private static ObjectNode asJson(Catalog catalog) {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    catalog.distro().ifPresentOrElse(d -> root.putObject("distro").put("id", d.id()).put("versionId", d.versionId()).put("prettyName", d.prettyName()),
        () -> root.putNull("distro"));
    ArrayNode pkgs = root.putArray("packages");
    for (Package p : catalog.packages()) {
      ObjectNode n = pkgs.addObject();
      n.put("name", p.name());
      n.put("namespace", p.namespace());
      n.put("version", p.version());
      n.put("type", p.ecosystem().purlType());
      n.put("purl", p.purl());
      n.put("foundBy", p.foundBy());
      n.put("path", p.location().path());
      n.put("layer", p.location().layerIndex());
      p.location().layerDiffIdIfAny().ifPresent(d -> n.put("layerDiffId", d.toString()));
      p.sourceIfAny().ifPresent(s -> n.putObject("source").put("name", s.name()).put("version", s.version()));
      if (p.managedBy() != null) {
        n.put("managedBy", p.managedBy());
      }
    }
    ArrayNode unknowns = root.putArray("unknowns");
    for (Unknown u : catalog.unknowns()) {
      unknowns.addObject().put("path", u.location().path()).put("cataloger", u.cataloger()).put("reason", u.reason());
    }
    return root;
  }
}
