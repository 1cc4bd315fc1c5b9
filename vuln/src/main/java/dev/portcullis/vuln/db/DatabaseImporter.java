package dev.portcullis.vuln.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Builds a database from inputs, each one of:
 *
 * <ul>
 *   <li>an OSV record ({@code *.json});
 *   <li>a zip of OSV records, such as osv.dev's per-ecosystem {@code all.zip}, read as a stream
 *       (nothing is written to disk), each entry and the number of entries bounded by {@link ImportOptions};
 *   <li>FIRST's EPSS CSV ({@code *.csv} or {@code *.csv.gz}, plain or compressed with gzip or zstd whatever the name
 *       says: an optional {@code #model_version...,score_date:...} line, the header {@code cve,epss,percentile}, one
 *       row per CVE);
 *   <li>CISA's KEV catalogue ({@code *.json} whose name contains {@code kev} or {@code known_exploited});
 *   <li>a directory, walked in name order for all of the above.
 * </ul>
 *
 * <p>A database is always built whole from the inputs given. It is written beside {@code target}
 * under a temporary name and renamed over {@code target} only once complete, so a failed, refused or
 * interrupted import leaves the previous database byte for byte as it was and no temporary file behind.
 * An import is refused ({@link ImportRefusedException}) when
 *
 * <ul>
 *   <li>an input cannot be read, or one of its files, zip entries, records or rows cannot be parsed or is
 *       over a limit (a {@link Problem}), unless {@link ImportOptions#allowPartial()} is set, when the
 *       problems are reported and the rest is imported;
 *   <li>the inputs hold no advisory in force (none, or only withdrawn ones), whatever the options: an
 *       empty database would pass every scan.
 * </ul>
 *
 * <p>A record imported without some of its parts (an unknown ecosystem's packages, a severity vector
 * the matcher cannot score) is a note, never a refusal. When the same id comes twice the record with
 * the later {@code modified} is kept.
 */
public final class DatabaseImporter {
  private final ImportOptions options;

  public DatabaseImporter(ImportOptions options) {
    this.options = options;
  }

  /**
   * Builds the database of {@code inputs} and puts it at {@code target}, replacing what was there.
   *
   * @throws ImportRefusedException when an input could not be read (without {@link ImportOptions#allowPartial()})
   *     or the inputs hold no advisory in force; {@code target} is unchanged
   * @throws DatabaseException when the database could not be written; {@code target} is unchanged
   */
  public ImportReport importInto(Path target, List<Path> inputs) throws DatabaseException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, target.getFileName() + ".", ".importing");
    } catch (IOException e) {
      throw new DatabaseException("import into " + target + ": cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
    }
    try {
      ImportReport report;
      try (ImportBuild build = new ImportBuild(temp, options)) {
        report = build(build, inputs);
      } catch (ImportBuild.Refusal r) {
        throw new ImportRefusedException("import into " + target + " refused, the database was left as it was: " + r.problem(),
            Optional.of(r.problem()));
      }
      if (report.advisories() == report.withdrawn()) {
        throw new ImportRefusedException("import into " + target + " refused, the database was left as it was: the inputs hold no advisories"
            + (report.withdrawn() == 0 ? "" : " in force (" + report.withdrawn() + " withdrawn)"), Optional.empty());
      }
      try {
        // temporary files are owner-only; a database is meant to be shared like an image
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its default permissions stand
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return report;
    } catch (SQLException e) {
      throw new DatabaseException("import into " + target + ": " + e.getMessage(), e);
    } catch (DatabaseException e) {
      throw e;
    } catch (IOException e) {
      throw new DatabaseException("import into " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // the temporary file is named as ours and harmless; the import's own outcome matters more
      }
    }
  }

  /** Reads every input into {@code build}, then finishes it: superseded records out, indexes, alias groups, meta. */
  private static ImportReport build(ImportBuild build, List<Path> inputs) throws SQLException, ImportBuild.Refusal {
    Readers readers = new Readers(build, new OsvReader(build), new EpssReader(build), new KevReader(build));
    for (Path input : inputs) {
      readers.input(input);
    }
    OsvReader osv = readers.osv();
    build.flush();
    osv.dropSuperseded();
    build.index();
    AliasGroups.write(build.connection(), osv.rowidBound());
    build.meta(osv.advisories(), osv.withdrawn(), osv.perEcosystem());
    build.commit();
    return new ImportReport(osv.advisories(), osv.withdrawn(), osv.superseded(), readers.epss().rows(), readers.kev().rows(),
        build.problems(), build.notes());
  }

  private enum Kind { OSV, OSV_ZIP, EPSS, KEV }

  private static @Nullable Kind kindOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".zip")) {
      return Kind.OSV_ZIP;
    }
    if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
      return Kind.EPSS;
    }
    if (name.endsWith(".json") && (name.contains("kev") || name.contains("known_exploited"))) {
      return Kind.KEV;
    }
    return name.endsWith(".json") ? Kind.OSV : null;
  }

  /** The reader of each kind of input, all writing into one build. */
  private record Readers(ImportBuild build, OsvReader osv, EpssReader epss, KevReader kev) {
    /** Reads a file, or every file a directory holds in name order, by its kind. */
    void input(Path input) throws SQLException, ImportBuild.Refusal {
      if (!Files.exists(input)) {
        build.problem(input.toString(), "cannot read: " + (Files.exists(input, LinkOption.NOFOLLOW_LINKS)
            ? "a symbolic link to nothing" : "no such file or directory"));
        return;
      }
      if (Files.isDirectory(input)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
          files = walk.filter(Files::isRegularFile).filter(p -> kindOf(p) != null).sorted().toList();
        } catch (IOException e) {
          build.problem(input.toString(), "cannot list the directory: " + describe(e));
          return;
        } catch (UncheckedIOException e) {
          build.problem(input.toString(), "cannot list the directory: " + describe(e.getCause()));
          return;
        }
        for (Path f : files) {
          file(f, kindOf(f));
        }
        return;
      }
      Kind kind = kindOf(input);
      if (kind == null) {
        build.problem(input.toString(), "not an input this import reads (*.json, *.zip, *.csv, *.csv.gz or a directory)");
        return;
      }
      file(input, kind);
    }

    private void file(Path file, Kind kind) throws SQLException, ImportBuild.Refusal {
      try {
        switch (kind) {
          case OSV -> osv.file(file);
          case OSV_ZIP -> osv.zip(file);
          case EPSS -> epss.read(file);
          case KEV -> kev.read(file);
        }
      } catch (IOException e) {
        build.problem(file.toString(), "cannot read: " + describe(e));
      }
    }
  }

  /** An I/O failure in words: the JDK's file exceptions carry only the path as their message. */
  private static String describe(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileSystemException x when x.getReason() != null -> x.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }
}
