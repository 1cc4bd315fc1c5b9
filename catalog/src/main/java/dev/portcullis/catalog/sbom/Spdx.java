package dev.portcullis.catalog.sbom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A catalog as an SPDX 2.3 JSON document: the image as the described package, every package found
 * with its PURL as an external reference, and {@code CONTAINS} relationships from the image.
 * Deterministic: packages in catalog order, IDs and namespace derived from content, and the
 * creation time fixed to the Unix epoch (SPDX requires one; ours says nothing about when).
 */
public final class Spdx {
  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9.-]");

  private Spdx() {}

  /** {@code imageDigest} is null for a directory ({@code dir:PATH}), which has none: the document then describes a file tree. */
  public static String write(Catalog catalog, String imageName, @Nullable Digest imageDigest, String toolVersion) throws IOException {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", imageName);
    doc.put("documentNamespace", imageDigest == null
        ? "https://portcullis.dev/spdx/dir/" + java.util.UUID.nameUUIDFromBytes(("dir:" + imageName).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        : "https://portcullis.dev/spdx/" + imageDigest.algorithm() + "/" + imageDigest.hex());
    ObjectNode creation = doc.putObject("creationInfo");
    creation.put("created", "1970-01-01T00:00:00Z");
    creation.putArray("creators").add("Tool: portcullis-" + toolVersion);
    if (!catalog.unknowns().isEmpty()) {
      StringBuilder comment = new StringBuilder("Files that could not be catalogued:");
      catalog.unknowns().forEach(u -> comment.append('\n').append(CycloneDx.unknownText(u)));
      creation.put("comment", comment.toString());
    }
    ArrayNode packages = doc.putArray("packages");
    ArrayNode relationships = doc.putArray("relationships");
    String imageId = "SPDXRef-Image";
    ObjectNode image = packages.addObject();
    image.put("SPDXID", imageId);
    image.put("name", imageName);
    if (imageDigest != null) {
      image.put("versionInfo", imageDigest.toString());
    }
    image.put("downloadLocation", "NOASSERTION");
    image.put("filesAnalyzed", false);
    image.put("primaryPackagePurpose", imageDigest == null ? "FILE" : "CONTAINER");
    relationship(relationships, "SPDXRef-DOCUMENT", "DESCRIBES", imageId);
    catalog.distro().ifPresent(d -> {
      ObjectNode os = packages.addObject();
      String id = "SPDXRef-OperatingSystem-" + NOT_ID.matcher(d.id()).replaceAll("-");
      os.put("SPDXID", id);
      os.put("name", d.id());
      os.put("versionInfo", d.versionId());
      os.put("downloadLocation", "NOASSERTION");
      os.put("filesAnalyzed", false);
      os.put("primaryPackagePurpose", "OPERATING-SYSTEM");
      relationship(relationships, imageId, "CONTAINS", id);
    });
    int n = 0;
    for (Package p : catalog.packages()) {
      String id = "SPDXRef-Package-" + NOT_ID.matcher(p.ecosystem().purlType() + "-" + p.name() + "-" + p.version()).replaceAll("-") + "-" + n++;
      ObjectNode o = packages.addObject();
      o.put("SPDXID", id);
      o.put("name", p.name());
      o.put("versionInfo", p.version());
      o.put("downloadLocation", "NOASSERTION");
      o.put("filesAnalyzed", false);
      o.put("sourceInfo", "found by " + p.foundBy() + " at " + p.location().path()
          + p.location().layerDiffIdIfAny().map(d -> " in layer " + d).orElse(""));
      ObjectNode ref = o.putArray("externalRefs").addObject();
      ref.put("referenceCategory", "PACKAGE-MANAGER");
      ref.put("referenceType", "purl");
      ref.put("referenceLocator", p.purl());
      relationship(relationships, imageId, "CONTAINS", id);
    }
    return JSON.writeValueAsString(doc);
  }

  private static void relationship(ArrayNode relationships, String from, String type, String to) {
    ObjectNode r = relationships.addObject();
    r.put("spdxElementId", from);
    r.put("relationshipType", type);
    r.put("relatedSpdxElement", to);
  }
}
