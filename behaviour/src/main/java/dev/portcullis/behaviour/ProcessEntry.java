package dev.portcullis.behaviour;

import java.time.Instant;
import java.util.Comparator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One program a workload executed, with how often and over how long it was seen.
 *
 * @param executable the absolute path of the executed file, inside the workload's own file system
 * @param sha256 the SHA-256 of that file as it was when executed, when it could still be read
 * @param arguments the arguments after {@code argv[0]}, with numbers replaced by {@code <n>} and the whole cut to 256
 *     characters, so that one program run with varying counters and ports is one entry
 * @param user the user it ran as (the effective UID, as a number)
 * @param parent the executable of the process that started it, when known
 * @param firstSeen when it was first executed
 * @param lastSeen when it was last executed
 * @param count how many times it was executed
 * @param runs in how many learning runs it was seen
 */
public record ProcessEntry(
    String executable, @Nullable String sha256, String arguments, String user, @Nullable String parent,
    Instant firstSeen, Instant lastSeen, long count, int runs) {
  /** By executable, then arguments, user and parent. */
  public static final Comparator<ProcessEntry> ORDER = Comparator.comparing(ProcessEntry::executable)
      .thenComparing(ProcessEntry::arguments).thenComparing(ProcessEntry::user)
      .thenComparing(p -> p.parent() == null ? "" : p.parent());

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_])[0-9]+(?![A-Za-z_])");

  public ProcessEntry {
    if (!executable.startsWith("/") || executable.length() > 4096 || executable.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("executable " + Workload.quoted(executable) + " is not an absolute path");
    }
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("executable " + executable + ": " + Workload.quoted(sha256)
          + " is not a SHA-256 in hex");
    }
    if (!user.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("executable " + executable + ": user " + Workload.quoted(user)
          + " is not a numeric UID");
    }
    if (lastSeen.isBefore(firstSeen)) {
      throw new IllegalArgumentException("executable " + executable + ": last seen is before first seen");
    }
    if (count < 1 || runs < 1) {
      throw new IllegalArgumentException("executable " + executable + ": seen at least once in at least one run");
    }
  }

  /** The arguments pattern of an exec's {@code argv[1..]}: numbers become {@code <n>}, the whole at most 256 characters. */
  public static String argumentsPattern(java.util.List<String> argumentsAfterFirst) {
    String joined = NUMBER.matcher(String.join(" ", argumentsAfterFirst)).replaceAll("<n>");
    joined = joined.replaceAll("\\p{Cntrl}", "?");
    return joined.length() > 256 ? joined.substring(0, 256) : joined;
  }

  /** Whether {@code other} is the same program run the same way (all but the counts). */
  public boolean sameAs(ProcessEntry other) {
    return executable.equals(other.executable) && java.util.Objects.equals(sha256, other.sha256)
        && arguments.equals(other.arguments) && user.equals(other.user)
        && java.util.Objects.equals(parent, other.parent);
  }
}
