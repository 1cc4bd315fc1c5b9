package dev.portcullis.scan;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.sbom.SbomReader;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Lazy;
import dev.portcullis.core.SideBySide;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Package;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.tree.DirectoryImage;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.oci.tree.LayerAnalyzer;
import dev.portcullis.oci.tree.LayerIndex;
import dev.portcullis.oci.tree.LayerIndexer;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.LayerTexts;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.content.TextMemo;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.secrets.SecretChecks;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.ScanReport;
import dev.portcullis.vuln.report.VexSubject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The one scan engine: built once from its {@link ScanOptions}, then used by any number of threads
 * at once. A scan opens the image, streams each layer at most once for every analyser the chosen
 * scanners need (none that the layer cache already holds), squashes the tree once, and then
 * catalogs, matches and checks from what that pass kept.
 *
 * <p>A scan stops with a {@link ScanCancelledException} within one buffer of its thread being
 * interrupted, or of its deadline passing.
 */
public final class Scanner {
  /** The one timer of scan deadlines, started by the first scan that has one (a command line scan has none). */
  private static final class Deadlines {
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "scan-deadlines");
      t.setDaemon(true);
      return t;
    });
  }

  private final ScanOptions options;
  private final @Nullable Engine engine;
  /** Which files the rules read, made at the first read: a scan whose results the cache holds reads none. */
  private final Lazy<Interest> interest;
  private final LayerScanner layerScanner;
  private final TextMemo memo = new TextMemo();
  private volatile @Nullable ImageKey imageKey;

  /** @throws IllegalStateException when two checks share an ID */
  public Scanner(ScanOptions options) {
    this.options = options;
    boolean config = options.types().contains(ScanType.CONFIG);
    boolean secret = options.types().contains(ScanType.SECRET);
    List<Check<?>> checks = new ArrayList<>();
    for (Check<?> c : options.checks()) {
      if (c.info().family().equals("SECRET") ? secret : config) {
        checks.add(c);
      }
    }
    this.engine = config || secret ? new Engine(checks) : null;
    this.interest = Lazy.of(() -> config ? Checks.contentInterest() : SecretChecks.interest());
    this.layerScanner = new LayerScanner(options.cache(), options.read().limits().maxEntries(), options.read().tempDir());
  }

  public ScanOptions options() {
    return options;
  }

  /** Scans the image {@code source} names. */
  public Assessment scan(ImageSource source) throws IOException {
    return cancellable(source.describe(), () -> {
      try (Image image = Images.open(source, options.read())) {
        return scanOpen(image, source instanceof ImageSource.Remote r ? r.ref() : null);
      }
    });
  }

  /** Scans the image {@code source} names, cancelled when {@code timeout} passes first. */
  public Assessment scan(ImageSource source, Duration timeout) throws IOException {
    return withDeadline(source.describe(), timeout, () -> scan(source));
  }

  /**
   * Scans an image already open (the caller closes it); {@code reference} is the registry
   * reference it was pulled by, which VEX products may name, or null.
   */
  public Assessment scan(Image image, @Nullable ImageRef reference) throws IOException {
    return cancellable(image.name(), () -> scanOpen(image, reference));
  }

  /** As {@link #scan(Image, ImageRef)}, cancelled when {@code timeout} passes first. */
  public Assessment scan(Image image, @Nullable ImageRef reference, Duration timeout) throws IOException {
    return withDeadline(image.name(), timeout, () -> scan(image, reference));
  }

  /** A scan that may not end normally. */
  private interface Scan {
    Assessment run() throws IOException;
  }

  private static Assessment cancellable(String what, Scan scan) throws IOException {
    try {
      return scan.run();
    } catch (ScanCancelledException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (cancelled(e)) {
        throw new ScanCancelledException("scan " + what + ": cancelled", e);
      }
      throw e;
    }
  }

  private static Assessment withDeadline(String what, Duration timeout, Scan scan) throws IOException {
    Thread caller = Thread.currentThread();
    Object lock = new Object();
    boolean[] state = new boolean[2]; // done, fired
    ScheduledFuture<?> timer = Deadlines.TIMER.schedule(() -> {
      synchronized (lock) {
        if (!state[0]) {
          state[1] = true;
          caller.interrupt();
        }
      }
    }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    try {
      return scan.run();
    } catch (ScanCancelledException e) {
      synchronized (lock) {
        if (state[1]) {
          throw new ScanCancelledException("scan " + what + ": cancelled, its deadline of " + timeout.toMillis() + " ms passed", e);
        }
      }
      throw e;
    } finally {
      boolean fired;
      synchronized (lock) {
        state[0] = true;
        fired = state[1];
      }
      timer.cancel(false);
      if (fired) {
        Thread.interrupted(); // the interrupt was ours, not the caller's
      }
    }
  }

  /** Matches the packages the SBOM {@code file} lists, named {@code name} in the assessment: the vulnerability scanner alone. */
  public Assessment scanSbom(String name, Path file) throws IOException {
    Database database = options.database();
    if (database == null || !options.types().contains(ScanType.VULN)) {
      throw new IllegalArgumentException("an SBOM has only packages: --scanners must include vuln");
    }
    long t0 = System.nanoTime();
    Catalog catalog = SbomReader.read(file);
    Digest digest = Digest.sha256(Files.readAllBytes(file));
    long t1 = System.nanoTime();
    ScanReport report = report(database, catalog, name, digest, VexSubject.PACKAGES_ONLY, i -> Optional.empty(), options, null, null);
    long t2 = System.nanoTime();
    return new Assessment(new Assessment.Subject(name, digest, List.of(), Optional.empty(), List.of()), java.util.EnumSet.of(ScanType.VULN),
        Optional.of(catalog), Optional.of(report), Optional.empty(), List.of(),
        new Assessment.Timings(Duration.ZERO, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ZERO));
  }

  /** What the one pass over an image's layers gave: the squashed tree, and each layer's results for the analysers that ran. */
  private record LayerPass(FileTree tree, List<LayerScanner.Results> layers, @Nullable LayerAnalyzer<LayerTexts> texts,
      Catalog.@Nullable Pass catalog) {}

  private Assessment scanOpen(Image image, @Nullable ImageRef ref) throws IOException {
    long t0 = System.nanoTime();
    boolean directory = DirectoryImage.isDirectory(image);
    // a directory changes in place and has no digest: nothing of it is kept
    LayerCache cache = directory ? null : options.cache();
    Digest key = cache == null ? null : imageKey().of(image);
    ImageResults read = key == null ? null : cache.get(ImageResults.KIND, key).orElse(null);
    long t1 = t0;
    long t2 = t0;
    long checking = 0;
    if (read == null) {
      if (options.database() != null && options.types().contains(ScanType.VULN)) {
        // a database opened deferred is connected before the long work: one that cannot be read fails the scan now
        options.database().connect();
      }
      LayerPass pass = readLayers(image);
      t1 = System.nanoTime();
      long[] took = new long[2];
      // the catalog and the checks only read what the pass gave: they run side by side
      SideBySide.Both<@Nullable Catalog, @Nullable Report> made = SideBySide.both("scan", () -> {
        long start = System.nanoTime();
        Catalog c = pass.catalog() == null ? null : pass.catalog().catalog(pass.tree(), pass.layers());
        took[0] = System.nanoTime() - start;
        return c;
      }, () -> {
        long start = System.nanoTime();
        Report r = engine == null ? null : check(engine, image, pass);
        took[1] = System.nanoTime() - start;
        return r;
      });
      t2 = t1 + took[0];
      checking = took[1];
      read = new ImageResults(made.first(), made.second(), pass.tree().warnings());
      if (key != null) {
        keep(cache, ImageResults.KIND, key, read);
      }
    }
    long t3 = System.nanoTime();
    Catalog catalog = read.catalog();
    ScanReport report = null;
    if (catalog != null) {
      List<Layer> imageLayers = image.layers();
      IntFunction<Optional<String>> createdBy = i -> i >= 0 && i < imageLayers.size() ? imageLayers.get(i).createdBy() : Optional.empty();
      // a directory has no digest for a VEX product to name: only statements about packages apply to it
      Database database = Objects.requireNonNull(options.database());
      // the matches are kept beside the results, per database: a re-scan against the same one matches nothing again
      Digest matchesKey = key == null ? null : ImageKey.matches(key, database);
      report = report(database, catalog, image.name(), directory ? null : image.digest(),
          directory ? VexSubject.PACKAGES_ONLY : VexSubject.image(image.digest(), image.indexDigests(), ref), createdBy, options,
          matchesKey == null ? null : cache, matchesKey);
    }
    Report checks = read.checks() == null ? null : options.allowlist().apply(read.checks()).atLeast(options.checksAtLeast());
    long t4 = System.nanoTime();
    return new Assessment(Assessment.Subject.of(image), options.types(), Optional.ofNullable(catalog), Optional.ofNullable(report),
        Optional.ofNullable(checks), read.warnings(),
        new Assessment.Timings(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t4 - t3), Duration.ofNanos(checking)));
  }

  /** The key of an image's results in the cache, the part the options decide made at the first use. */
  private ImageKey imageKey() {
    ImageKey k = imageKey;
    if (k == null) {
      k = new ImageKey(options);
      imageKey = k;
    }
    return k;
  }

  /** Keeps {@code result} under {@code key} for the next scan; a cache that cannot be written costs that scan the work again, no more. */
  private static <R> void keep(LayerCache cache, LayerCache.Kind<R> kind, Digest key, R result) {
    try {
      cache.put(kind, key, result);
    } catch (IOException | RuntimeException e) {
      // an optimisation only: the layers' own results are kept already, and the database is still there
    }
  }

  /** Streams each layer once (none whose every result the cache holds) for the index and the captures the scanners need, then squashes. */
  private LayerPass readLayers(Image image) throws IOException {
    List<LayerAnalyzer<?>> analyzers = new ArrayList<>(List.of(LayerIndexer.INSTANCE));
    // the rules' text capture reads a file's head first, so the catalogers' whole-file captures rarely need a replay
    LayerAnalyzer<LayerTexts> texts = engine == null ? null : Contents.capture(interest.get(), ReadLimits.DEFAULT);
    if (texts != null) {
      analyzers.add(texts);
    }
    Catalog.Pass catalog = options.types().contains(ScanType.VULN) ? Catalog.pass(options.catalogers(), options.read().tempDir()) : null;
    if (catalog != null) {
      analyzers.add(catalog.analyzer());
    }
    List<LayerScanner.Results> layers = layerScanner.scan(image, analyzers);
    List<LayerIndex> indexes = new ArrayList<>(layers.size());
    for (LayerScanner.Results r : layers) {
      indexes.add(r.get(LayerIndexer.INSTANCE));
    }
    return new LayerPass(FileTree.squash(image, indexes), layers, texts, catalog);
  }

  /** The rule checks on the image's config and history (misconfiguration only), then on the texts of its layers: before any allowlist. */
  private Report check(Engine engine, Image image, LayerPass pass) throws IOException {
    ImageSubject subject = ImageSubject.of(image, pass.tree());
    Report found = options.types().contains(ScanType.CONFIG) ? engine.evaluate(subject) : Report.EMPTY;
    boolean directory = DirectoryImage.isDirectory(image);
    if (directory) {
      found = withoutConfigFindings(found);
    }
    Contents.ImageRead read = Contents.read(pass.tree(), interest.get(), ReadLimits.DEFAULT, Objects.requireNonNull(pass.texts()), pass.layers());
    // a base layer's files are searched once for all the images that share it, in this process and, through
    // the layer cache, in the next (a directory changes in place: what was found in it is not kept)
    TextMemo.Session searches = memo.session(directory ? null : options.cache(), directory ? List.of() : image.layers());
    found = found.plus(engine.evaluate(Contents.ofImage(subject, read).withMemo(searches)));
    searches.save();
    return found;
  }

  /** {@code report} without what the image-config checks found: a directory has no config for them to judge (its empty one would read as root, no healthcheck). */
  private static Report withoutConfigFindings(Report report) {
    return new Report(report.findings().stream().filter(f -> !(f.location() instanceof FindingLocation.InConfig)).toList(), report.problems(),
        report.allowed());
  }

  /**
   * The vulnerabilities of {@code catalog} (without the development dependencies unless the
   * options include them), after the options' noise control for {@code subject}. The matches are
   * taken from {@code cache} under {@code matchesKey}, or made and kept there, when both are given.
   */
  private static ScanReport report(Database database, Catalog catalog, String name, @Nullable Digest digest, VexSubject subject,
      IntFunction<Optional<String>> createdBy, ScanOptions options, @Nullable LayerCache cache, @Nullable Digest matchesKey) throws IOException {
    Catalog matched = options.includeDev() ? catalog : withoutDev(catalog);
    ImageResults.Matches matches = cache == null || matchesKey == null ? match(database, matched, createdBy)
        : match(database, matched, createdBy, cache, matchesKey);
    VulnerabilityMatcher.Result result = matches.result();
    NoiseControl.Outcome outcome = options.noise().apply(result.findings(), subject);
    List<String> notes = new ArrayList<>(result.notes());
    int dev = catalog.packages().size() - matched.packages().size();
    if (dev > 0) {
      notes.add(dev + " development " + (dev == 1 ? "dependency" : "dependencies") + " of lock files not matched (--include-dev matches them)");
    }
    for (Unknown u : catalog.unknowns()) {
      notes.add("could not catalog " + u.location().path() + " (" + u.cataloger() + "): " + u.reason());
    }
    return new ScanReport(name, digest, catalog.distro(), catalog.packages().size(), outcome.shown(), outcome.suppressed(), outcome.expired(),
        builtAt(matches.databaseBuilt()), notes);
  }

  /** The matches kept under {@code key}, else those of the database, kept there for the next scan. */
  private static ImageResults.Matches match(Database database, Catalog matched, IntFunction<Optional<String>> createdBy, LayerCache cache,
      Digest key) throws IOException {
    LayerCache.Kind<ImageResults.Matches> kind = ImageResults.matches(matched.packages());
    Optional<ImageResults.Matches> kept = cache.get(kind, key);
    if (kept.isPresent()) {
      return kept.get();
    }
    ImageResults.Matches matches = match(database, matched, createdBy);
    keep(cache, kind, key, matches);
    return matches;
  }

  /** The packages of {@code matched} looked up in the database. */
  private static ImageResults.Matches match(Database database, Catalog matched, IntFunction<Optional<String>> createdBy) throws IOException {
    VulnerabilityMatcher.Result result = new VulnerabilityMatcher(database).match(matched, createdBy);
    try {
      return new ImageResults.Matches(result, database.builtAt());
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** {@code catalog} without the packages lock files mark as development dependencies. */
  private static Catalog withoutDev(Catalog catalog) {
    List<Package> kept = catalog.packages().stream().filter(p -> !"true".equals(p.metadata().get(Catalog.DEV))).toList();
    return kept.size() == catalog.packages().size() ? catalog : new Catalog(catalog.distro(), kept, catalog.unknowns());
  }

  private static @Nullable Instant builtAt(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** Whether {@code e} is how an interrupt surfaced: the interrupt status, or an exception only an interrupt gives, anywhere in the causes. */
  private static boolean cancelled(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException && !(t instanceof java.net.SocketTimeoutException) || t instanceof ClosedByInterruptException || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
