package dev.portcullis.catalog.swift;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pods CocoaPods installed, from {@code Podfile.lock}: each item of {@code PODS} names a pod or a
 * subspec and its version, {@code NAME (VERSION)} alone or as the key of its dependencies. A pod's
 * subspecs ({@code Firebase/Analytics}) are one package, the pod; its {@code SPEC CHECKSUMS} entry
 * is kept. An item that is not {@code NAME (VERSION)} is one unknown.
 */
public final class PodfileLockCataloger extends FileCataloger {
  public static final String NAME = "cocoapods-podfile-lock-cataloger";
  private static final Pattern POD = Pattern.compile("([^\\s()/]+)(?:/\\S+)? \\(([^\\s()]+)\\)");

  public PodfileLockCataloger() {
    super(NAME, WholeFiles.matching("cocoapods-podfile-lock", "**/Podfile.lock"), PodfileLockCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode root = CatalogYaml.MAPPER.readTree(content);
    if (root == null || !root.path("PODS").isArray()) {
      throw new IllegalArgumentException("no PODS list: not a Podfile.lock");
    }
    JsonNode checksums = root.path("SPEC CHECKSUMS");
    Map<String, Package> pods = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode item : root.path("PODS")) {
      String text = item.isObject() && item.size() == 1 ? item.fieldNames().next() : item.isTextual() ? item.asText() : item.toString();
      Matcher m = POD.matcher(text);
      if (!m.matches()) {
        problems.add("pod '" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "' is not NAME (VERSION)");
        continue;
      }
      String name = m.group(1);
      String version = m.group(2);
      String checksum = checksums.path(name).asText("");
      Map<String, String> metadata = checksum.isEmpty() ? Map.of() : Map.of("checksum", checksum);
      pods.putIfAbsent(name + "@" + version, new Package(name, "", version, Ecosystem.COCOAPODS, PackageUrls.of(Ecosystem.COCOAPODS, "", name, version),
          NAME, List.of(location), null, null, metadata));
    }
    return new Parsed(new ArrayList<>(pods.values()), problems);
  }
}
