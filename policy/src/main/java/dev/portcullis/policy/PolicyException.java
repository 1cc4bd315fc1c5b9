package dev.portcullis.policy;

import dev.portcullis.core.Identity;
import dev.portcullis.policy.score.RiskFinding;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An accepted risk: the findings it covers, why, whose it is, until when, and who asked and who
 * approved, never the requester (compared as {@link Identity}s). Patterns are globs ({@code *} any
 * run of characters, {@code ?} one); every field given must match, and an exception that names only an image covers all of that image's findings.
 *
 * @param name what the file calls it (its {@code id}, or its position)
 * @param finding a finding ID or alias pattern ({@code CVE-2021-44228}, {@code PCS-DEBUG-*})
 * @param packageName a package name pattern
 * @param purl a Package URL pattern ({@code pkg:maven/org.apache.logging.log4j/*})
 * @param image an image name pattern, or its digest
 * @param stages the stages it applies to; empty for all
 * @param expires the last day it applies (UTC)
 */
public record PolicyException(
    String name,
    @Nullable String finding,
    @Nullable String packageName,
    @Nullable String purl,
    @Nullable String image,
    List<String> stages,
    String justification,
    String owner,
    String requester,
    String approver,
    LocalDate expires) {

  public PolicyException {
    stages = List.copyOf(stages);
    if (finding == null && packageName == null && purl == null && image == null) {
      throw new IllegalArgumentException(name + ": an exception names a finding, a package, a PURL or an image");
    }
    if (Identity.of(requester).sameAs(Identity.of(approver))) {
      throw new IllegalArgumentException(name + ": approved by its own requester " + requester);
    }
  }

  /** Whether it still applies on {@code today}: through the whole of its expiry day. */
  public boolean expiredOn(LocalDate today) {
    return today.isAfter(expires);
  }

  public boolean appliesTo(String stage) {
    return stages.isEmpty() || stages.contains(stage);
  }

  /** Whether it covers {@code f} of the image called {@code imageName} with {@code digest}. */
  public boolean covers(RiskFinding f, String imageName, String digest) {
    if (finding != null && f.ids().stream().noneMatch(id -> glob(finding, id))) {
      return false;
    }
    if (packageName != null && (f.packageName().isEmpty() || !glob(packageName, f.packageName()))) {
      return false;
    }
    if (purl != null && (f.purl().isEmpty() || !glob(purl, f.purl()))) {
      return false;
    }
    return image == null || image.equals(digest) || glob(image, imageName);
  }

  /** What it covers, in a line: {@code CVE-2021-44228 in pkg:maven/...}. */
  public String scope() {
    StringBuilder b = new StringBuilder();
    Optional.ofNullable(finding).ifPresent(s -> b.append(s));
    Optional.ofNullable(packageName).ifPresent(s -> b.append(b.isEmpty() ? "" : " ").append("package ").append(s));
    Optional.ofNullable(purl).ifPresent(s -> b.append(b.isEmpty() ? "" : " ").append(s));
    Optional.ofNullable(image).ifPresent(s -> b.append(b.isEmpty() ? "" : " ").append("image ").append(s));
    return b.toString();
  }

  static boolean glob(String pattern, String value) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE).matcher(value).matches();
  }
}
