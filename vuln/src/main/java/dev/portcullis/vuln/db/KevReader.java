package dev.portcullis.vuln.db;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Reads CISA's KEV catalogue into the {@code kev} table of a build; its size and its number of JSON tokens bounded. */
final class KevReader {
  /** The most JSON tokens read from a KEV catalogue: CISA's has about 40,000. */
  static final long MAX_TOKENS = 1_000_000;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).build()).build());
  private final ImportBuild build;
  private final PreparedStatement insert;
  private long rows;

  KevReader(ImportBuild build) throws SQLException {
    this.build = build;
    insert = build.prepare("INSERT OR REPLACE INTO kev(cve, date_added, vendor, product, name, required_action, due_date, ransomware)"
        + " VALUES (?,?,?,?,?,?,?,?)");
  }

  void read(Path file) throws IOException, SQLException, ImportBuild.Refusal {
    build.source("kev " + file.getFileName());
    long limit = build.options().maxEntryBytes();
    if (Files.size(file) > limit) {
      build.problem(file.toString(), "larger than the limit of " + limit + " bytes");
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (StreamConstraintsException e) {
      build.problem(file.toString(), "more than " + MAX_TOKENS + " JSON tokens, the limit for the KEV catalogue");
      return;
    } catch (IOException e) {
      build.problem(file.toString(), "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    JsonNode vulns = root == null ? null : root.get("vulnerabilities");
    if (vulns == null || !vulns.isArray()) {
      build.problem(file.toString(), "not a KEV catalogue: no 'vulnerabilities' array");
      return;
    }
    int i = 0;
    for (JsonNode v : vulns) {
      try {
        Kev k = new Kev(v.path("cveID").asText(""), v.path("dateAdded").asText(""), v.path("vendorProject").asText(""),
            v.path("product").asText(""), v.path("vulnerabilityName").asText(""), v.path("requiredAction").asText(""),
            v.path("dueDate").asText(""), v.path("knownRansomwareCampaignUse").asText(""));
        insert.setString(1, k.cve());
        insert.setString(2, k.dateAdded());
        insert.setString(3, k.vendor());
        insert.setString(4, k.product());
        insert.setString(5, k.name());
        insert.setString(6, k.requiredAction());
        insert.setString(7, k.dueDate());
        insert.setString(8, k.ransomware());
        build.add(insert);
        rows++;
      } catch (IllegalArgumentException e) {
        build.problem(file.toString(), "vulnerabilities[" + i + "]: " + e.getMessage());
      }
      i++;
    }
  }

  /** The entries read, counting a CVE twice when it came twice. */
  long rows() {
    return rows;
  }
}
