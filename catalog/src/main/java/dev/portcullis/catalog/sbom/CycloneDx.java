package dev.portcullis.catalog.sbom;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.parsers.JsonParser;
import org.jspecify.annotations.Nullable;

/**
 * A catalog as a CycloneDX 1.6 JSON document, written with cyclonedx-core-java and checked against
 * the schema before it is returned. Deterministic: components sorted, no timestamp, the serial
 * number derived from the image digest.
 */
public final class CycloneDx {
  /** Property names under our own namespace, as CycloneDX's property taxonomy asks. */
  public static final String FOUND_BY = "portcullis:package:foundBy";
  public static final String LOCATION = "portcullis:package:location";
  public static final String LAYER_DIFF_ID = "portcullis:package:layerDiffId";
  public static final String MANAGED_BY = "portcullis:package:managedBy";
  public static final String SOURCE = "portcullis:package:source";
  /** A document property, one per file that could not be catalogued. */
  public static final String UNKNOWN = "portcullis:catalog:unknown";

  private CycloneDx() {}

  /** {@code imageDigest} is null for a directory ({@code dir:PATH}), which has none: the document is then about a file tree. */
  public static String write(Catalog catalog, String imageName, @Nullable Digest imageDigest, String toolVersion) throws IOException {
    Bom bom = new Bom();
    bom.setSerialNumber(serialNumber("", imageName, imageDigest));
    Metadata metadata = new Metadata();
    metadata.setTimestamp(null); // deterministic: the same image gives the same document
    metadata.setComponent(subject(imageName, imageDigest));
    if (!catalog.unknowns().isEmpty()) {
      List<Property> unknowns = new ArrayList<>();
      for (Unknown u : catalog.unknowns()) {
        unknowns.add(property(UNKNOWN, unknownText(u)));
      }
      metadata.setProperties(unknowns);
    }
    bom.setMetadata(metadata);
    List<Component> components = new ArrayList<>();
    catalog.distro().ifPresent(d -> {
      Component os = new Component();
      os.setType(Component.Type.OPERATING_SYSTEM);
      os.setName(d.id());
      os.setVersion(d.versionId());
      os.setDescription(d.prettyName());
      os.setBomRef("os:" + d.id() + "@" + d.versionId());
      components.add(os);
    });
    for (Package p : catalog.packages()) {
      Component c = new Component();
      c.setType(Component.Type.LIBRARY);
      c.setName(p.name());
      if (!p.namespace().isEmpty() && !p.ecosystem().isOs()) {
        c.setGroup(p.namespace());
      }
      c.setVersion(p.version());
      c.setPurl(p.purl());
      c.setBomRef(p.purl() + "#" + p.location().path());
      List<Property> props = new ArrayList<>();
      props.add(property(FOUND_BY, p.foundBy()));
      for (Location l : p.locations()) {
        props.add(property(LOCATION, l.path()));
        l.layerDiffIdIfAny().ifPresent(d -> props.add(property(LAYER_DIFF_ID, d.toString())));
      }
      p.sourceIfAny().ifPresent(s -> props.add(property(SOURCE, s.name() + "@" + s.version())));
      p.managedByIfAny().ifPresent(m -> props.add(property(MANAGED_BY, m)));
      for (Map.Entry<String, String> m : new java.util.TreeMap<>(p.metadata()).entrySet()) {
        props.add(property("portcullis:package:" + m.getKey(), m.getValue()));
      }
      c.setProperties(props);
      components.add(c);
    }
    bom.setComponents(components);
    return validatedJson(bom, "the CycloneDX SBOM of " + imageName);
  }

  /**
   * {@code bom} as CycloneDX 1.6 JSON, checked against the CycloneDX schema: a document we write
   * that does not validate is our bug, never the user's.
   *
   * @param what the document, for messages ({@code the CycloneDX SBOM of alpine:3.20})
   */
  public static String validatedJson(Bom bom, String what) throws IOException {
    String json;
    try {
      json = BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString();
    } catch (GeneratorException e) {
      throw new IOException("write " + what + ": " + e.getMessage(), e);
    }
    var problems = new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), Version.VERSION_16);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(what + " does not validate: " + problems.get(0).getMessage());
    }
    return json;
  }

  /** {@code /app/x.jar (java-archive-cataloger): reason}, as the command line reports it. */
  static String unknownText(Unknown u) {
    return u.location().path() + " (" + u.cataloger() + "): " + u.reason();
  }

  /** A CycloneDX property. */
  /**
   * The serial number of a document about an image, from its digest ({@code prefix} tells documents
   * of different kinds apart); a directory has no digest: from its name.
   */
  public static String serialNumber(String prefix, String name, @Nullable Digest digest) {
    String id = digest == null ? "dir:" + name : digest.toString();
    return "urn:uuid:" + UUID.nameUUIDFromBytes((prefix + id).getBytes(StandardCharsets.UTF_8));
  }

  /** What a document describes: an image (a container, its digest as version), or a directory (a file, no version). */
  public static Component subject(String name, @Nullable Digest digest) {
    Component c = new Component();
    c.setName(name);
    if (digest == null) {
      c.setType(Component.Type.FILE);
      c.setBomRef(name);
    } else {
      c.setType(Component.Type.CONTAINER);
      c.setVersion(digest.toString());
      c.setBomRef(digest.toString());
    }
    return c;
  }

  public static Property property(String name, String value) {
    Property p = new Property();
    p.setName(name);
    p.setValue(value);
    return p;
  }
}
