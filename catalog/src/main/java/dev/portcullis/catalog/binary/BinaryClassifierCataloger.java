package dev.portcullis.catalog.binary;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Lazy;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runtimes and servers (nginx, OpenSSL, Python, the JDK...) identified from their own files by
 * the {@link Classifier}s: one {@link Ecosystem#GENERIC} package per file and classifier whose
 * evidence the file holds, at the version the evidence shows. A file an OS package installed is
 * that OS package already, so {@link #yieldsToOsPackages()}: only copies no package database
 * names remain, as in a scratch or distroless image.
 */
public final class BinaryClassifierCataloger implements Cataloger {
  public static final String NAME = "binary-classifier-cataloger";
  /** The classifiers' capture, made at the first use: a scan whose results the cache holds reads no file and needs none. */
  private final Lazy<EvidenceCapture> capture;

  /** With the built-in classifiers. */
  public BinaryClassifierCataloger() {
    this.capture = Lazy.of(() -> new EvidenceCapture(Classifiers.builtIn()));
  }

  public BinaryClassifierCataloger(List<Classifier> classifiers) {
    List<Classifier> copy = List.copyOf(classifiers);
    this.capture = Lazy.of(() -> new EvidenceCapture(copy));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(capture.get());
  }

  @Override
  public boolean yieldsToOsPackages() {
    return true;
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    EvidenceCapture capture = this.capture.get();
    List<Classifier> classifiers = capture.classifiers();
    List<FileEntry> searched = tree.entries().stream()
        .filter(e -> (e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK) && capture.wants(e.path(), e.mode(), e.size()))
        .toList();
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    context.read(tree, searched, capture, (entry, kept) -> {
      Location location = FileParsing.location(tree, entry);
      for (String line : new String(kept, StandardCharsets.UTF_8).split("\n")) {
        String[] nameAndVersion = line.split("\t", 2);
        Classifier c = classifiers.stream().filter(x -> x.name().equals(nameAndVersion[0])).findFirst().orElse(null);
        if (c == null || nameAndVersion.length != 2) {
          continue; // a classifier no longer in the list; its capture version changed with the list, so only a damaged cache gets here
        }
        try {
          packages.add(identified(c, nameAndVersion[1], location));
        } catch (IllegalArgumentException e) {
          unknowns.add(new Unknown(location, NAME, "binary identified as " + c.name() + " " + nameAndVersion[1] + ": " + e.getMessage()));
        }
      }
    });
    packages.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new CatalogResult(packages, unknowns);
  }

  private static Package identified(Classifier c, String version, Location location) {
    PackageURL purl;
    try {
      purl = new PackageURL(c.purlOf(version));
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("no valid Package URL from " + c.purl() + " (" + e.getMessage() + ")", e);
    }
    String namespace = purl.getNamespace() == null ? "" : purl.getNamespace();
    return new Package(purl.getName(), namespace, version, Ecosystem.GENERIC, purl.canonicalize(), NAME, List.of(location), null, null,
        Map.of("classifier", c.name()));
  }
}
