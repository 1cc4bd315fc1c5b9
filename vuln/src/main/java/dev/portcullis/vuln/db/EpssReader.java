package dev.portcullis.vuln.db;

import dev.portcullis.oci.Compression;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Reads FIRST's EPSS CSV, compressed or not, into the {@code epss} table of a build: an optional
 * {@code #model_version...,score_date:...} line, the header {@code cve,epss,percentile}, one row per CVE. Malformed
 * rows are skipped and reported as one problem.
 */
final class EpssReader {
  private static final String HEADER = "cve,epss,percentile";
  private final ImportBuild build;
  private final PreparedStatement insert;
  private long rows;

  EpssReader(ImportBuild build) throws SQLException {
    this.build = build;
    insert = build.prepare("INSERT OR REPLACE INTO epss(cve, probability, percentile, date) VALUES (?,?,?,?)");
  }

  void read(Path file) throws IOException, SQLException, ImportBuild.Refusal {
    build.source("epss " + file.getFileName());
    String date = "";
    int bad = 0;
    String firstBad = null;
    boolean header = false;
    try (InputStream raw = Files.newInputStream(file);
        BufferedReader r = new BufferedReader(new InputStreamReader(Compression.decompress(raw), StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("#")) {
          for (String part : line.substring(1).split(",")) {
            if (part.startsWith("score_date:")) {
              date = part.substring("score_date:".length()).strip();
              date = date.length() >= 10 ? date.substring(0, 10) : date;
            }
          }
          continue;
        }
        if (!header) {
          if (!line.strip().equals(HEADER)) {
            build.problem(file.toString(), "line " + n + ": expected the header " + HEADER + ", found '" + abbreviate(line) + "'");
            return;
          }
          header = true;
          continue;
        }
        String[] cells = line.split(",", -1);
        try {
          if (cells.length != 3) {
            throw new IllegalArgumentException("expected 3 columns, found " + cells.length);
          }
          Epss e = new Epss(cells[0].strip(), Double.parseDouble(cells[1]), Double.parseDouble(cells[2]), date);
          insert.setString(1, e.cve());
          insert.setDouble(2, e.probability());
          insert.setDouble(3, e.percentile());
          insert.setString(4, e.date());
          build.add(insert);
          rows++;
        } catch (IllegalArgumentException e) {
          if (bad++ == 0) {
            firstBad = "line " + n + ": " + e.getMessage();
          }
        }
      }
    }
    if (!header) {
      build.problem(file.toString(), "no header " + HEADER + ": not an EPSS file");
    }
    if (bad > 0) {
      build.problem(file.toString(), bad + " malformed rows skipped, the first at " + firstBad);
    }
  }

  /** The rows read, counting a CVE twice when it came twice. */
  long rows() {
    return rows;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
