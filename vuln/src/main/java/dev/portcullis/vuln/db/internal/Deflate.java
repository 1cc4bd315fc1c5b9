package dev.portcullis.vuln.db.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw JSON in and out of its stored, deflated form. One instance per thread. A preset dictionary of
 * text common to OSV records makes each small record compress about as well as a whole archive
 * would; it is part of schema version {@value Schema#VERSION} and never changes within it.
 */
public final class Deflate {
  // most common strings last: deflate finds the nearest match first
  private static final byte[] DICTIONARY = ("\"database_specific\": {\"source\": \"https://storage.googleapis.com/\"cwe_ids\": [\"CWE-"
      + "\"github_reviewed\": true, \"github_reviewed_at\": \"nvd_published_at\": \"review_status\": \"REVIEWED\"}"
      + "\"credits\": [{\"name\": \"type\": \"FINDER\"\"related\": [\"upstream\": [\"withdrawn\": \"ecosystem_specific\": {"
      + "https://github.com/advisories/GHSA-https://nvd.nist.gov/vuln/detail/CVE-https://pkg.go.dev/vuln/GO-https://security-tracker.debian.org/tracker/"
      + "\"references\": [{\"type\": \"ADVISORY\", \"url\": \"https://github.com/\"}, {\"type\": \"PACKAGE\"\"type\": \"FIX\"\"type\": \"WEB\", \"url\": \"https://"
      + "\"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}], \"CVSS_V4\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
      + "\"affected\": [{\"package\": {\"ecosystem\": \"Maven\", \"name\": \"PyPI\"\"npm\"\"Go\"\"Debian:\"Alpine:v3.\"purl\": \"pkg:"
      + "\"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"\"}]}], \"versions\": [\"SEMVER\"last_affected\"limit\""
      + "{\"schema_version\": \"1.6.0\", \"id\": \"GHSA-\", \"modified\": \"2024-01-01T00:00:00Z\", \"published\": \"\", \"aliases\": [\"CVE-20\"],"
      + " \"summary\": \"\", \"details\": \"").getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Deflater deflater = new Deflater(6);
  private final Inflater inflater = new Inflater();
  private byte[] buffer = new byte[64 * 1024];

  public byte[] compress(byte[] raw) {
    deflater.reset();
    deflater.setDictionary(DICTIONARY);
    deflater.setInput(raw);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
    while (!deflater.finished()) {
      int n = deflater.deflate(buffer);
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  public byte[] decompress(byte[] stored) throws DataFormatException {
    inflater.reset();
    inflater.setInput(stored);
    ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && inflater.needsDictionary()) {
        inflater.setDictionary(DICTIONARY);
        continue;
      }
      if (n == 0 && inflater.needsInput()) {
        throw new DataFormatException("truncated deflate stream");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
