package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportReport;
import dev.portcullis.vuln.db.Problem;
import dev.portcullis.vuln.db.Status;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis db ...}: the offline vulnerability database. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Build and inspect the offline vulnerability database.",
    subcommands = {DbCommand.Import.class, DbCommand.StatusCommand.class})
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
          + "and CISA's KEV JSON; replaces the database atomically when complete. Files that cannot be read are reported and skipped.")
  static final class Import extends Base {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "OSV files, directories, all.zip dumps, EPSS CSVs, the KEV catalogue.")
    List<Path> inputs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      boolean json = json();
      PrintStream out = Main.of(spec).out;
      PrintStream err = Main.of(spec).err;
      ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(file(), inputs);
      for (Problem p : report.problems()) {
        err.println("portcullis: warning: skipped " + p);
      }
      if (json) {
        ObjectNode root = JsonOutput.MAPPER.createObjectNode().put("database", file().toString()).put("advisories", report.advisories())
            .put("withdrawn", report.withdrawn()).put("superseded", report.superseded()).put("epss", report.epss()).put("kev", report.kev());
        var problems = root.putArray("problems");
        report.problems().forEach(p -> problems.addObject().put("file", p.file()).put("reason", p.reason()));
        out.println(JsonOutput.MAPPER.writeValueAsString(root));
      } else {
        out.println("imported " + report.advisories() + " advisories (" + report.withdrawn() + " withdrawn, " + report.superseded() + " superseded), "
            + report.epss() + " EPSS scores, " + report.kev() + " KEV entries into " + file()
            + (report.problems().isEmpty() ? "" : "; " + report.problems().size() + " files or records skipped"));
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
