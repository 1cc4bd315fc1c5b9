package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.TerminalText;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseArtifact;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportRefusedException;
import dev.portcullis.vuln.db.ImportReport;
import dev.portcullis.vuln.db.Problem;
import dev.portcullis.vuln.db.MirrorUpdater;
import dev.portcullis.vuln.db.Status;
import dev.portcullis.vuln.db.UpdateOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis db ...}: the offline vulnerability database. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Build and inspect the offline vulnerability database.",
    subcommands = {DbCommand.Import.class, DbCommand.Update.class, DbCommand.Push.class, DbCommand.Pull.class, DbCommand.StatusCommand.class})
final class DbCommand {
  private DbCommand() {}

  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--db", paramLabel = "FILE", description = "The database file (default: ~/.cache/portcullis/db).")
    @Nullable Path db;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table or json (default table).", defaultValue = "table")
    String format = "table";

    Path file() {
      return db == null ? Database.defaultLocation() : db;
    }

    boolean json() {
      if (!format.equals("table") && !format.equals("json")) {
        throw new IllegalArgumentException("--format " + format + " is not one this command writes (table, json)");
      }
      return format.equals("json");
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Build the database from OSV JSON files, directories of them and osv.dev all.zip dumps, with FIRST's EPSS CSV (.csv or .csv.gz) "
          + "and CISA's KEV JSON; replaces the database atomically when complete. An input, record or row that cannot be read refuses the "
          + "import and leaves the database as it was (unless --allow-partial); so do inputs without a single advisory.")
  static final class Import extends Base {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "OSV files, directories, all.zip dumps, EPSS CSVs, the KEV catalogue.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--allow-partial", description = "Import what can be read and report the rest as warnings, instead of refusing the import "
        + "at the first input, record or row that cannot be read.")
    boolean allowPartial;

    @Override
    public Integer call() throws Exception {
      boolean json = json();
      PrintStream out = Main.of(spec).out;
      PrintStream err = Main.of(spec).err;
      ImportReport report = refusedAsFailure(() -> new DatabaseImporter(ImportOptions.defaults().withAllowPartial(allowPartial)).importInto(file(), inputs));
      warn(err, report);
      if (json) {
        ObjectNode root = JsonOutput.MAPPER.createObjectNode().put("database", file().toString()).put("advisories", report.advisories())
            .put("withdrawn", report.withdrawn()).put("superseded", report.superseded()).put("epss", report.epss()).put("kev", report.kev());
        var problems = root.putArray("problems");
        report.problems().forEach(p -> problems.addObject().put("file", p.file()).put("reason", p.reason()));
        var notes = root.putArray("notes");
        report.notes().forEach(p -> notes.addObject().put("file", p.file()).put("reason", p.reason()));
        out.println(JsonOutput.MAPPER.writeValueAsString(root));
      } else {
        out.println("imported " + report.advisories() + " advisories (" + report.withdrawn() + " withdrawn, " + report.superseded() + " superseded), "
            + report.epss() + " EPSS scores, " + report.kev() + " KEV entries into " + file()
            + (report.problems().isEmpty() ? "" : "; " + report.problems().size() + " files or records skipped"));
      }
      return 0;
    }
  }

  static void warn(PrintStream err, ImportReport report) {
    for (Problem p : report.problems()) {
      err.println("portcullis: warning: skipped " + TerminalText.escape(p.toString()));
    }
    for (Problem p : report.notes()) {
      err.println("portcullis: warning: " + TerminalText.escape(p.toString()));
    }
  }

  interface DatabaseWork<T> {
    T run() throws IOException;
  }

  /** Runs {@code work}; a refused import says how to import the rest anyway. */
  static <T> T refusedAsFailure(DatabaseWork<T> work) throws IOException {
    try {
      return work.run();
    } catch (ImportRefusedException e) {
      if (e.problem().isPresent()) {
        throw new Main.CommandFailure(e.getMessage() + " (--allow-partial imports the rest)");
      }
      throw e;
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Rebuild the database from the upstream feeds at their published URLs (OSV's dump of each ecosystem, FIRST's EPSS, "
          + "CISA's KEV), or from the files a mirror lists in its index.json; fetches only what changed and replaces the database "
          + "atomically when complete, so a failed update leaves the previous one working.")
  static final class Update extends Base {
    @Option(names = "--mirror", paramLabel = "URL", description = "A mirror instead of the upstream feeds: an http(s) directory URL holding index.json.")
    @Nullable URI mirror;

    @Option(names = "--ecosystems", paramLabel = "NAME", split = ",",
        description = "The OSV ecosystems fetched from upstream (default: those the catalogers find packages of: "
            + "AlmaLinux, Alpine, Bitnami, ConanCenter, CRAN, crates.io, Debian, Go, Hackage, Hex, Maven, npm, NuGet, Packagist, Pub, PyPI, "
            + "Red Hat, Rocky Linux, RubyGems, SwiftURL, Ubuntu).")
    List<String> ecosystems = MirrorUpdater.Upstream.CATALOGUED;

    @Option(names = "--osv-url", paramLabel = "URL", description = "Where the OSV dumps are (ECOSYSTEM/all.zip below it; default: osv.dev's bucket).")
    URI osvUrl = MirrorUpdater.Upstream.OSV;

    @Option(names = "--epss-url", paramLabel = "URL", description = "The EPSS scores (default: FIRST's current CSV, gzipped).")
    URI epssUrl = MirrorUpdater.Upstream.EPSS;

    @Option(names = "--kev-url", paramLabel = "URL", description = "CISA's Known Exploited Vulnerabilities catalog (default: its published JSON feed).")
    URI kevUrl = MirrorUpdater.Upstream.KEV;

    @Option(names = "--allow-partial", description = "Import what can be read from the downloaded files and report the rest as warnings, "
        + "instead of refusing the update at the first record or row that cannot be read.")
    boolean allowPartial;

    @Option(names = "--quiet", description = "No progress bars (they are drawn only when stderr is a terminal).")
    boolean quiet;

    @Mixin NetworkFlags network = new NetworkFlags();

    @Override
    public Integer call() throws Exception {
      boolean json = json();
      if (mirror != null && (mirror.getScheme() == null || !(mirror.getScheme().equals("http") || mirror.getScheme().equals("https")))) {
        throw new IllegalArgumentException("--mirror " + mirror + " is not an http:// or https:// URL");
      }
      URI m = mirror;
      MirrorUpdater.Upstream upstream = m == null ? new MirrorUpdater.Upstream(osvUrl, ecosystems, epssUrl, kevUrl) : null;
      String from = m != null ? m.toString() : "the upstream feeds";
      PrintStream out = Main.of(spec).out;
      UpdateOutcome outcome;
      try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NORMAL).build()) {
        MirrorUpdater updater = new MirrorUpdater(http, ImportOptions.defaults().withAllowPartial(allowPartial), network.deadlines())
            .withProgress(quiet ? ProgressListener.NONE : new ConsoleProgress(Main.of(spec).err, Boolean.getBoolean("portcullis.stderr.tty")));
        outcome = refusedAsFailure(() -> m != null ? updater.update(m, file()) : updater.update(java.util.Objects.requireNonNull(upstream), file()));
      }
      switch (outcome) {
        case UpdateOutcome.UpToDate u -> {
          if (json) {
            out.println(JsonOutput.MAPPER.writeValueAsString(JsonOutput.MAPPER.createObjectNode().put("database", file().toString())
                .put("source", from).put("upToDate", true)));
          } else {
            out.println(file() + " is up to date with " + from);
          }
        }
        case UpdateOutcome.Updated u -> {
          warn(Main.of(spec).err, u.report());
          ImportReport r = u.report();
          if (json) {
            out.println(JsonOutput.MAPPER.writeValueAsString(JsonOutput.MAPPER.createObjectNode().put("database", file().toString())
                .put("source", from).put("upToDate", false).put("downloaded", u.downloaded()).put("cached", u.cached())
                .put("advisories", r.advisories()).put("withdrawn", r.withdrawn()).put("epss", r.epss()).put("kev", r.kev())
                .put("problems", r.problems().size())));
          } else {
            out.println("downloaded " + u.downloaded() + " files from " + from + " (" + u.cached() + " unchanged, from the cache); imported "
                + r.advisories() + " advisories, " + r.epss() + " EPSS scores, " + r.kev() + " KEV entries into " + file()
                + (r.problems().isEmpty() ? "" : "; " + r.problems().size() + " files or records skipped"));
          }
        }
      }
      return 0;
    }
  }

  /** Reads {@code oci://REGISTRY/REPO:TAG} (or {@code @DIGEST}). */
  static final class OciReference implements CommandLine.ITypeConverter<ImageRef> {
    @Override
    public ImageRef convert(String value) {
      if (!value.startsWith("oci://")) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not an oci://REGISTRY/REPO:TAG reference");
      }
      try {
        return ImageRef.parse(value.substring("oci://".length()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
      }
    }
  }

  /** The commands that move the database through a registry. */
  abstract static class Transfer extends Base {
    @Mixin RegistryFlags registry = new RegistryFlags();

    @Parameters(index = "0", paramLabel = "oci://REGISTRY/REPO:TAG", converter = OciReference.class, description = "Where the database artifact lives.")
    ImageRef ref;

    RegistryClient client() throws IOException {
      PrintStream err = Main.of(spec).err;
      return RegistryClient.create(registry.registryOptions(Main.of(spec).in), new ConsoleProgress(err, Boolean.getBoolean("portcullis.stderr.tty")));
    }
  }

  @Command(name = "push", mixinStandardHelpOptions = true,
      description = "Upload the database to a registry as an OCI artifact (artifactType " + DatabaseArtifact.ARTIFACT_TYPE + "), "
          + "so that it can be mirrored like an image.")
  static final class Push extends Transfer {
    @Override
    public Integer call() throws Exception {
      boolean json = json();
      PrintStream out = Main.of(spec).out;
      DatabaseArtifact.Pushed p;
      try (RegistryClient client = client()) {
        p = DatabaseArtifact.push(client, ref, file());
      }
      if (json) {
        out.println(JsonOutput.MAPPER.writeValueAsString(JsonOutput.MAPPER.createObjectNode().put("database", file().toString())
            .put("reference", ref.toString()).put("digest", p.manifest().toString()).put("layerSize", p.layer().size())
            .put("schemaVersion", p.status().schemaVersion()).put("builtAt", p.status().builtAt()).put("advisories", p.status().advisories())));
      } else {
        out.println("pushed " + file() + " to " + ref + "@" + p.manifest() + " (" + p.status().advisories() + " advisories, built "
            + p.status().builtAt() + ", " + p.layer().size() + " bytes gzipped)");
      }
      return 0;
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true,
      description = "Fetch a database pushed with 'db push', verify it, and replace the database atomically; "
          + "anything else (an image, a damaged download) is refused and the previous database stays.")
  static final class Pull extends Transfer {
    @Override
    public Integer call() throws Exception {
      boolean json = json();
      PrintStream out = Main.of(spec).out;
      DatabaseArtifact.Pulled p;
      try (RegistryClient client = client()) {
        p = DatabaseArtifact.pull(client, ref, file());
      }
      if (json) {
        out.println(JsonOutput.MAPPER.writeValueAsString(JsonOutput.MAPPER.createObjectNode().put("database", file().toString())
            .put("reference", ref.toString()).put("digest", p.manifest().toString()).put("bytes", p.bytes())
            .put("schemaVersion", p.status().schemaVersion()).put("builtAt", p.status().builtAt()).put("advisories", p.status().advisories())));
      } else {
        out.println("pulled " + ref + "@" + p.manifest() + " into " + file() + " (" + p.status().advisories() + " advisories, built "
            + p.status().builtAt() + ")");
      }
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "When the database was built, from what, and how many advisories per ecosystem.")
  static final class StatusCommand extends Base {
    @Override
    public Integer call() throws Exception {
      boolean json = json();
      PrintStream out = Main.of(spec).out;
      try (Database database = Database.open(file())) {
        Status s = database.status();
        if (json) {
          ObjectNode root = JsonOutput.MAPPER.createObjectNode().put("database", file().toString()).put("schemaVersion", s.schemaVersion())
              .put("builtAt", s.builtAt()).put("advisories", s.advisories()).put("withdrawn", s.withdrawn()).put("epss", s.epss()).put("kev", s.kev());
          var sources = root.putArray("sources");
          s.sources().forEach(sources::add);
          var per = root.putObject("perEcosystem");
          s.perEcosystem().forEach(per::put);
          out.println(JsonOutput.MAPPER.writeValueAsString(root));
        } else {
          out.println("database:   " + file());
          out.println("schema:     " + s.schemaVersion());
          out.println("built:      " + s.builtAt());
          out.println("advisories: " + s.advisories() + " (" + s.withdrawn() + " withdrawn), EPSS " + s.epss() + ", KEV " + s.kev());
          s.perEcosystem().forEach((e, n) -> out.println("  " + e + ": " + n));
          s.sources().forEach(src -> out.println("source:     " + src));
        }
      }
      return 0;
    }
  }
}
