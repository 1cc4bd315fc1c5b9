package dev.portcullis.vuln.report;

import dev.portcullis.core.Finding;
import dev.portcullis.core.Package;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an ignore file: findings whose ID (any alias) matches {@code id} and whose package
 * matches {@code pkg} (a Package URL pattern when it starts with {@code pkg:}, else a package name
 * pattern; {@code *} matches anything), for {@code reason}, until {@code expires} (inclusive).
 * An absent {@code id} or {@code pkg} matches everything, but not both.
 */
public record IgnoreRule(@Nullable String id, @Nullable String pkg, String reason, @Nullable LocalDate expires, String where) {
  public IgnoreRule {
    if (id == null && pkg == null) {
      throw new IllegalArgumentException(where + ": an ignore entry needs an id or a package");
    }
    if (reason.isBlank()) {
      throw new IllegalArgumentException(where + ": an ignore entry needs a reason");
    }
  }

  public Optional<LocalDate> expiresIfAny() {
    return Optional.ofNullable(expires);
  }

  /** Whether the entry has expired on {@code today}: it then applies to nothing and is reported. */
  public boolean expiredOn(LocalDate today) {
    return expires != null && today.isAfter(expires);
  }

  public boolean matches(Finding.Vulnerability f) {
    if (id != null && f.ids().stream().noneMatch(i -> glob(id).matcher(i).matches())) {
      return false;
    }
    return pkg == null || matchesPackage(pkg, f.pkg());
  }

  private static boolean matchesPackage(String pattern, Package p) {
    if (!pattern.startsWith("pkg:")) {
      String full = p.namespace().isEmpty() ? p.name() : p.namespace() + "/" + p.name();
      return glob(pattern).matcher(p.name()).matches() || glob(pattern).matcher(full).matches();
    }
    // a pattern without qualifiers matches the PURL with or without them
    String purl = p.purl();
    int q = purl.indexOf('?');
    return glob(pattern).matcher(purl).matches() || q > 0 && glob(pattern).matcher(purl.substring(0, q)).matches();
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
