package dev.portcullis.testkit;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Synthetic OSV records shaped like osv.dev's (an id, a CVE alias, a CVSS vector, one to three
 * affected packages with an ECOSYSTEM range, references, a paragraph of details) across npm, PyPI,
 * Maven, Go, Debian:12 and Alpine:v3.20, drawn from a seed, and installed packages to match
 * against them. Every range is {@code introduced: M.0.0, fixed: M.m.p}, so which records cover
 * which installed version is known without any version scheme: {@link Entry#covers}.
 * For the database benchmark and the scale test; unit tests use it only at small sizes.
 */
public final class SyntheticAdvisories {
  /** The OSV ecosystems records are drawn from, in the order the draws use. */
  public static final List<String> ECOSYSTEMS = List.of("npm", "PyPI", "Maven", "Go", "Debian:12", "Alpine:v3.20");
  private static final Digest LAYER = Digest.sha256("synthetic".getBytes(StandardCharsets.UTF_8));

  private SyntheticAdvisories() {}

  /**
   * One affected package of a record: versions from {@code major.0.0} up to, not including, {@code major.fixedMinor.fixedPatch}.
   *
   * @param name as the record writes it (PyPI names in a spelling PEP 503 normalises, {@link #normalName} gives the normal one)
   */
  public record Entry(String ecosystem, String name, int major, int fixedMinor, int fixedPatch) {
    /** Whether the installed version {@code major.minor.patch} lies in this entry's range. */
    public boolean covers(int[] version) {
      if (version[0] != major) {
        return false;
      }
      return version[1] < fixedMinor || version[1] == fixedMinor && version[2] < fixedPatch;
    }

    /** The name a lookup by normalised name finds this entry under. */
    public String normalName() {
      return ecosystem.equals("PyPI") ? name.toLowerCase(java.util.Locale.ROOT).replace('_', '-') : name;
    }
  }

  /** One record: {@code id}, its alias {@code cve}, the packages it names. */
  public record Record(int index, String id, String cve, List<Entry> entries, int month, int day, boolean lowComplexity, boolean integrity) {
    public Record {
      entries = List.copyOf(entries);
    }

    String json() {
      StringBuilder affected = new StringBuilder();
      for (Entry e : entries) {
        if (!affected.isEmpty()) {
          affected.append(',');
        }
        affected.append("""
            {"package": {"ecosystem": "%s", "name": "%s"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "%d.0.0"}, {"fixed": "%d.%d.%d"}]}],
             "database_specific": {"source": "https://example.org/%s.json"}}""".formatted(e.ecosystem(), e.name(), e.major(), e.major(), e.fixedMinor(),
            e.fixedPatch(), id));
      }
      return """
          {"schema_version": "1.6.0", "id": "%s", "modified": "2024-%02d-%02dT10:00:00Z", "published": "2023-01-01T00:00:00Z",
           "aliases": ["%s"], "summary": "Synthetic issue %d in a widely used component",
           "details": "A crafted request lets a remote attacker read or change data they should not reach. Versions before the fixed one are affected; upgrade, or apply the vendor's workaround of disabling the affected feature.",
           "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:%s/PR:N/UI:N/S:U/C:H/I:%s/A:N"}],
           "affected": [%s],
           "references": [{"type": "ADVISORY", "url": "https://example.org/advisories/%s"}, {"type": "WEB", "url": "https://example.org/issues/%d"}]}
          """.formatted(id, month, day, cve, index, lowComplexity ? "L" : "H", integrity ? "H" : "N", affected, id, index);
    }
  }

  /** How many package names each ecosystem draws from when there are {@code count} records: about three records name each. */
  public static int pool(int count) {
    return count / 10 + 1;
  }

  /** The {@code count} records of {@code seed}, in order, each handed to {@code each}; nothing is kept. */
  public static void forEach(int count, long seed, Consumer<Record> each) {
    SplittableRandom random = new SplittableRandom(seed);
    int pool = pool(count);
    for (int i = 0; i < count; i++) {
      int packages = 1 + random.nextInt(3);
      List<Entry> entries = new ArrayList<>(packages);
      for (int p = 0; p < packages; p++) {
        String eco = ECOSYSTEMS.get(random.nextInt(ECOSYSTEMS.size()));
        int n = random.nextInt(pool);
        String name = eco.equals("PyPI") && n % 2 == 0 ? "Package_" + n : packageName(eco, n);
        entries.add(new Entry(eco, name, random.nextInt(10), random.nextInt(20), random.nextInt(30)));
      }
      each.accept(new Record(i, "SYN-" + (2000 + i % 25) + "-" + i, "CVE-" + (2000 + i % 25) + "-" + i, entries, 1 + random.nextInt(12),
          1 + random.nextInt(28), random.nextBoolean(), random.nextBoolean()));
    }
  }

  /** Writes the {@code count} records of {@code seed} into {@code zip}, one {@code ID.json} entry each, as osv.dev's {@code all.zip}. */
  public static void write(Path zip, int count, long seed) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
      z.setLevel(1);
      forEach(count, seed, r -> {
        try {
          z.putNextEntry(new ZipEntry(r.id() + ".json"));
          z.write(r.json().getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The {@code n}th package name of an ecosystem, in its own naming style, as lookups normalise it. */
  public static String packageName(String ecosystem, int n) {
    return switch (ecosystem) {
      case "Maven" -> "org.example.g" + (n % 97) + ":artifact-" + n;
      case "Go" -> "github.com/example" + (n % 97) + "/module" + n;
      case "PyPI" -> "package-" + n;
      default -> "pkg" + n;
    };
  }

  /** An installed package and the version it was drawn at, for checking findings against {@link Entry#covers}. */
  public record Installed(Package pkg, String ecosystem, String name, int[] version) {}

  /**
   * {@code count} distinct installed packages drawn from the names records of a {@code records}-record set use:
   * Debian (as from a Debian 12 image, so no Alpine) and the four language ecosystems in equal parts,
   * each at a random {@code major.minor.patch} in the span the ranges cover.
   */
  public static List<Installed> installed(int count, int records, long seed) {
    List<String> ecosystems = List.of("npm", "PyPI", "Maven", "Go", "Debian:12");
    SplittableRandom random = new SplittableRandom(seed);
    int pool = pool(records);
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<Installed> out = new ArrayList<>(count);
    while (out.size() < count) {
      String eco = ecosystems.get(out.size() % ecosystems.size());
      int n = random.nextInt(pool);
      if (!seen.add(eco + " " + n)) {
        if (seen.size() >= pool * ecosystems.size()) {
          throw new IllegalArgumentException(count + " distinct packages asked for, only " + seen.size() + " exist");
        }
        continue;
      }
      int[] v = {random.nextInt(10), random.nextInt(20), random.nextInt(30)};
      String version = v[0] + "." + v[1] + "." + v[2];
      String name = packageName(eco, n);
      Package p = switch (eco) {
        case "npm" -> pkg(Ecosystem.NPM, "", name, version);
        case "PyPI" -> pkg(Ecosystem.PYPI, "", n % 3 == 0 ? "Package." + n : name, version);
        case "Maven" -> pkg(Ecosystem.MAVEN, name.substring(0, name.indexOf(':')), name.substring(name.indexOf(':') + 1), version);
        case "Go" -> pkg(Ecosystem.GO, "", name, "v" + version);
        default -> pkg(Ecosystem.DEBIAN, "", name, version);
      };
      out.add(new Installed(p, eco, name, v));
    }
    return out;
  }

  private static Package pkg(Ecosystem ecosystem, String namespace, String name, String version) {
    String purl = "pkg:" + ecosystem.purlType() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name + "@" + version;
    return new Package(name, namespace, version, ecosystem, purl, "synthetic", List.of(new Location("/synthetic", 0, LAYER)), null, null, Map.of());
  }
}
