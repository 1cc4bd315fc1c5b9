package dev.portcullis.vuln.report;

import dev.portcullis.core.Package;
import java.util.List;
import java.util.Locale;

/**
 * A VEX statement that a vulnerability does not affect some products: the vulnerability's ID,
 * the products as Package URLs (one without a version covers every version), the justification
 * and the document it came from.
 */
public record VexStatement(String vulnerability, List<String> products, String justification, String source) {
  public VexStatement {
    products = List.copyOf(products);
  }

  public boolean covers(VulnerabilityFinding f) {
    if (f.ids().stream().noneMatch(id -> id.equalsIgnoreCase(vulnerability))) {
      return false;
    }
    return products.stream().anyMatch(p -> samePackage(p, f.pkg()));
  }

  private static boolean samePackage(String product, Package p) {
    String want = strip(product);
    String have = strip(p.purl());
    if (want.contains("@")) {
      return want.equalsIgnoreCase(have);
    }
    int at = have.indexOf('@');
    return want.equalsIgnoreCase(at < 0 ? have : have.substring(0, at));
  }

  /** The PURL without qualifiers and subpath. */
  private static String strip(String purl) {
    String s = purl.strip();
    int cut = s.length();
    for (char c : new char[] {'?', '#'}) {
      int i = s.indexOf(c);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    return s.substring(0, cut).toLowerCase(Locale.ROOT);
  }
}
