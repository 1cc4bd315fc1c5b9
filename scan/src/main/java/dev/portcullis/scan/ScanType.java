package dev.portcullis.scan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a scan looks for; {@code --scanners} picks among them. */
public enum ScanType {
  /** Known vulnerabilities of the image's packages (needs the database). */
  VULN,
  /** Misconfiguration of the image config and history, and debug leftovers in its files. */
  CONFIG,
  /** The {@code PCS-SECRET} checks over the config values and every file of every layer. */
  SECRET;

  /** Every scanner, as {@code --scanners} writes them. */
  public static final String ALL = "vuln,config,secret";

  /** The scanners a comma-separated list names ({@code vuln}, {@code config}, {@code secret} and their plurals). */
  public static Set<ScanType> parse(String list) {
    Set<ScanType> out = EnumSet.noneOf(ScanType.class);
    for (String part : list.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      switch (p) {
        case "vuln", "vulnerability", "vulnerabilities" -> out.add(VULN);
        case "config", "misconfig", "misconfiguration" -> out.add(CONFIG);
        case "secret", "secrets" -> out.add(SECRET);
        default -> throw new IllegalArgumentException("--scanners: unknown scanner '" + part.strip() + "' (vuln, config, secret)");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--scanners needs at least one of vuln, config, secret");
    }
    return out;
  }

  /** Whether this scan runs a rule check (misconfiguration or secrets). */
  static boolean anyRules(Set<ScanType> types) {
    return types.contains(CONFIG) || types.contains(SECRET);
  }
}
