package dev.portcullis.scan;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.tree.CacheStreams;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.rules.Allowed;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What reading an image's layers gave a scan, before any database, VEX, ignore file or allowlist
 * touched it: the catalog, the rule report and the warnings. It depends only on the image's
 * content and name and on the scanner's code and settings, so it is kept in the layer cache under
 * a digest of all of those ({@link ImageKey}), and a re-scan of the same image reads no layer.
 * The same binary form keeps the image's vulnerability matches against one database ({@link
 * #matches}), so that a re-scan against that database matches nothing again.
 *
 * @param catalog the packages, when the vulnerability scanner ran
 * @param checks the rule report before the allowlist and the severity floor, when a rule scanner ran
 * @param warnings what could not be taken as it is while the layers were read
 */
record ImageResults(@Nullable Catalog catalog, @Nullable Report checks, List<String> warnings) {
  ImageResults {
    warnings = List.copyOf(warnings);
  }

  /** How the results are written into the cache: a compact binary form, read back strictly. */
  static final LayerCache.Kind<ImageResults> KIND = new LayerCache.Kind<>() {
    @Override
    public String name() {
      return "image-results";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public Class<ImageResults> resultType() {
      return ImageResults.class;
    }

    @Override
    public void write(ImageResults result, OutputStream stream) throws IOException {
      DataOutputStream out = new DataOutputStream(stream);
      new Writer(out).results(result);
      out.flush();
    }

    @Override
    public ImageResults read(InputStream stream) throws IOException {
      return new Reader(new DataInputStream(stream)).results();
    }
  };

  /**
   * An image's vulnerability matches against one database, and when that database was built (its {@code built_at},
   * which the report carries): what a re-scan against the same database takes instead of opening it.
   */
  record Matches(VulnerabilityMatcher.Result result, String databaseBuilt) {}

  /**
   * How {@link Matches} are written into the cache, under {@link ImageKey#matches}: each finding names its package
   * by its place in {@code packages}, the packages the matcher was given, which the image's own results hold. A
   * finding whose package is not among them is not written.
   */
  static LayerCache.Kind<Matches> matches(List<Package> packages) {
    return new LayerCache.Kind<>() {
      @Override
      public String name() {
        return "image-matches";
      }

      @Override
      public int version() {
        return 1;
      }

      @Override
      public Class<Matches> resultType() {
        return Matches.class;
      }

      @Override
      public void write(Matches matches, OutputStream stream) throws IOException {
        Map<Package, Integer> places = new IdentityHashMap<>();
        for (int i = 0; i < packages.size(); i++) {
          places.putIfAbsent(packages.get(i), i);
        }
        DataOutputStream out = new DataOutputStream(stream);
        Writer w = new Writer(out);
        w.string(matches.databaseBuilt());
        w.list(matches.result().findings(), f -> w.vulnerability(f, places));
        w.list(matches.result().notes(), w::string);
        out.flush();
      }

      @Override
      public Matches read(InputStream stream) throws IOException {
        Reader r = new Reader(new DataInputStream(stream));
        String built = r.string();
        List<Finding.Vulnerability> findings = r.list(() -> r.vulnerability(packages));
        List<String> notes = r.list(r::string);
        r.end("the matches");
        return new Matches(new VulnerabilityMatcher.Result(findings, notes), built);
      }
    };
  }

  private static final Severity[] SEVERITIES = Severity.values();
  private static final Finding.Vulnerability.Status[] STATUSES = Finding.Vulnerability.Status.values();
  private static final Ecosystem[] ECOSYSTEMS = Ecosystem.values();
  private static final Reference.Standard[] STANDARDS = Reference.Standard.values();

  /** Writes the parts in the order {@link Reader} reads them. */
  private record Writer(DataOutputStream out) {
    void results(ImageResults r) throws IOException {
      out.writeBoolean(r.catalog() != null);
      if (r.catalog() != null) {
        catalog(r.catalog());
      }
      out.writeBoolean(r.checks() != null);
      if (r.checks() != null) {
        report(r.checks());
      }
      list(r.warnings(), this::string);
    }

    void catalog(Catalog c) throws IOException {
      out.writeBoolean(c.distro().isPresent());
      if (c.distro().isPresent()) {
        Distro d = c.distro().get();
        string(d.id());
        string(d.versionId());
        string(d.prettyName());
        list(d.idLike(), this::string);
      }
      list(c.packages(), this::pkg);
      list(c.unknowns(), u -> {
        location(u.location());
        string(u.cataloger());
        string(u.reason());
      });
    }

    void pkg(Package p) throws IOException {
      string(p.name());
      string(p.namespace());
      string(p.version());
      out.writeByte(p.ecosystem().ordinal());
      string(p.purl());
      string(p.foundBy());
      list(p.locations(), this::location);
      out.writeBoolean(p.source() != null);
      if (p.source() != null) {
        string(p.source().name());
        string(p.source().version());
      }
      nullable(p.managedBy());
      // by key: the map's own order can change from one process to the next, and a cache entry is written the same each time
      list(new ArrayList<>(new java.util.TreeMap<>(p.metadata()).entrySet()), e -> {
        string(e.getKey());
        string(e.getValue());
      });
    }

    void location(Location l) throws IOException {
      string(l.path());
      out.writeInt(l.layerIndex());
      nullable(l.layerDiffId() == null ? null : l.layerDiffId().toString());
    }

    void report(Report r) throws IOException {
      list(r.findings(), this::finding);
      list(r.problems(), p -> {
        string(p.file());
        out.writeInt(p.line());
        out.writeInt(p.column());
        string(p.message());
      });
      list(r.allowed(), a -> {
        finding(a.finding());
        string(a.reason());
      });
    }

    void finding(CheckFinding f) throws IOException {
      out.writeByte(switch (f) {
        case Finding.Misconfiguration m -> 0;
        case Finding.Secret s -> 1;
        case Finding.DebugLeftover d -> 2;
      });
      CheckInfo c = f.check();
      string(c.id());
      out.writeByte(c.severity().ordinal());
      string(c.title());
      string(c.rationale());
      string(c.remediation());
      list(c.references(), ref -> {
        out.writeByte(ref.standard().ordinal());
        string(ref.item());
      });
      string(f.message());
      switch (f.location()) {
        case FindingLocation.InFile i -> {
          out.writeByte(0);
          string(i.file());
          out.writeInt(i.line());
          out.writeInt(i.endLine());
          out.writeInt(i.column());
        }
        case FindingLocation.InConfig i -> {
          out.writeByte(1);
          string(i.image());
          string(i.field());
        }
        case FindingLocation.InLayer i -> {
          out.writeByte(2);
          string(i.image());
          location(i.location());
        }
      }
    }

    void vulnerability(Finding.Vulnerability v, Map<Package, Integer> places) throws IOException {
      Integer place = places.get(v.pkg());
      if (place == null) {
        throw new IOException("a finding's package is not among the packages matched");
      }
      string(v.id());
      list(v.aliases(), this::string);
      out.writeInt(place);
      string(v.installedVersion());
      nullable(v.fixedVersion());
      out.writeByte(v.severity().ordinal());
      number(v.cvssScore());
      nullable(v.cvssVector());
      number(v.epss());
      number(v.epssPercentile());
      out.writeBoolean(v.kev());
      out.writeByte(v.status().ordinal());
      string(v.summary());
      string(v.matchedBy());
      nullable(v.layerCreatedBy());
    }

    void number(@Nullable Double d) throws IOException {
      out.writeBoolean(d != null);
      if (d != null) {
        out.writeDouble(d);
      }
    }

    void string(String s) throws IOException {
      CacheStreams.writeString(out, s);
    }

    void nullable(@Nullable String s) throws IOException {
      out.writeBoolean(s != null);
      if (s != null) {
        string(s);
      }
    }

    interface Part<T> {
      void write(T t) throws IOException;
    }

    <T> void list(List<T> items, Part<T> part) throws IOException {
      out.writeInt(items.size());
      for (T t : items) {
        part.write(t);
      }
    }
  }

  /** Reads what {@link Writer} wrote; anything out of range is an {@link IOException}, which the cache takes for a miss. */
  private record Reader(DataInputStream in) {
    ImageResults results() throws IOException {
      Catalog catalog = in.readBoolean() ? catalog() : null;
      Report checks = in.readBoolean() ? report() : null;
      List<String> warnings = list(this::string);
      end("the results");
      return new ImageResults(catalog, checks, warnings);
    }

    void end(String what) throws IOException {
      if (in.read() != -1) {
        throw new IOException("damaged cache entry: bytes after " + what);
      }
    }

    Finding.Vulnerability vulnerability(List<Package> packages) throws IOException {
      String id = string();
      List<String> aliases = list(this::string);
      int place = in.readInt();
      if (place < 0 || place >= packages.size()) {
        throw new IOException("damaged cache entry: package " + place + " of " + packages.size());
      }
      return new Finding.Vulnerability(id, aliases, packages.get(place), string(), nullable(), of(SEVERITIES, in.readUnsignedByte()), number(),
          nullable(), number(), number(), in.readBoolean(), of(STATUSES, in.readUnsignedByte()), string(), string(), nullable());
    }

    @Nullable Double number() throws IOException {
      return in.readBoolean() ? in.readDouble() : null;
    }

    Catalog catalog() throws IOException {
      Optional<Distro> distro = in.readBoolean() ? Optional.of(new Distro(string(), string(), string(), list(this::string))) : Optional.empty();
      List<Package> packages = list(this::pkg);
      List<Unknown> unknowns = list(() -> new Unknown(location(), string(), string()));
      return new Catalog(distro, packages, unknowns);
    }

    Package pkg() throws IOException {
      String name = string();
      String namespace = string();
      String version = string();
      Ecosystem ecosystem = of(ECOSYSTEMS, in.readUnsignedByte());
      String purl = string();
      String foundBy = string();
      List<Location> locations = list(this::location);
      Package.SourcePackage source = in.readBoolean() ? new Package.SourcePackage(string(), string()) : null;
      String managedBy = nullable();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int n = CacheStreams.readCount(in); n > 0; n--) {
        metadata.put(string(), string());
      }
      return new Package(name, namespace, version, ecosystem, purl, foundBy, locations, source, managedBy, metadata);
    }

    Location location() throws IOException {
      String path = string();
      int layer = in.readInt();
      String diffId = nullable();
      return new Location(path, layer, diffId == null ? null : Digest.parse(diffId));
    }

    Report report() throws IOException {
      List<CheckFinding> findings = list(this::finding);
      List<Problem> problems = list(() -> new Problem(string(), in.readInt(), in.readInt(), string()));
      List<Allowed> allowed = list(() -> new Allowed(finding(), string()));
      return new Report(findings, problems, allowed);
    }

    CheckFinding finding() throws IOException {
      int kind = in.readUnsignedByte();
      CheckInfo check = new CheckInfo(string(), of(SEVERITIES, in.readUnsignedByte()), string(), string(), string(),
          list(() -> new Reference(of(STANDARDS, in.readUnsignedByte()), string())));
      String message = string();
      FindingLocation location = switch (in.readUnsignedByte()) {
        case 0 -> new FindingLocation.InFile(string(), in.readInt(), in.readInt(), in.readInt());
        case 1 -> new FindingLocation.InConfig(string(), string());
        case 2 -> new FindingLocation.InLayer(string(), location());
        default -> throw new IOException("damaged cache entry: a finding location of an unknown kind");
      };
      return switch (kind) {
        case 0 -> new Finding.Misconfiguration(check, message, location);
        case 1 -> new Finding.Secret(check, message, location);
        case 2 -> new Finding.DebugLeftover(check, message, location);
        default -> throw new IOException("damaged cache entry: a finding of an unknown kind");
      };
    }

    String string() throws IOException {
      return CacheStreams.readString(in);
    }

    @Nullable String nullable() throws IOException {
      return in.readBoolean() ? string() : null;
    }

    interface Part<T> {
      T read() throws IOException;
    }

    <T> List<T> list(Part<T> part) throws IOException {
      int n = CacheStreams.readCount(in);
      List<T> out = new ArrayList<>(Math.min(n, 1024));
      for (int i = 0; i < n; i++) {
        out.add(part.read());
      }
      return out;
    }

    private static <E> E of(E[] values, int ordinal) throws IOException {
      if (ordinal >= values.length) {
        throw new IOException("damaged cache entry: value " + ordinal + " of " + values.length);
      }
      return values[ordinal];
    }
  }
}
