package dev.portcullis.behaviour;

import java.time.Duration;
import java.time.Instant;

/**
 * How a profile was learned and whether learning is complete.
 *
 * @param started when the first learning run began
 * @param ended when the last learning run ended
 * @param runs how many learning runs the profile holds
 * @param lastNewEntry when the last entry that was new to the profile was first seen
 * @param quietRuns how many of the latest runs, in a row, added no new entry
 * @param completeWhen the condition that makes learning complete
 */
public record Learning(
    Instant started, Instant ended, int runs, Instant lastNewEntry, int quietRuns, Condition completeWhen) {
  public Learning {
    if (ended.isBefore(started) || lastNewEntry.isBefore(started) || lastNewEntry.isAfter(ended)) {
      throw new IllegalArgumentException("learning times out of order (started " + started + ", last new entry "
          + lastNewEntry + ", ended " + ended + ")");
    }
    if (runs < 1 || quietRuns < 0 || quietRuns > runs) {
      throw new IllegalArgumentException("learning: " + quietRuns + " quiet runs of " + runs + " is impossible");
    }
  }

  /** Whether the condition holds: no new entry for the quiet time, or enough runs in a row without one. */
  public boolean complete() {
    return !Duration.between(lastNewEntry, ended).minus(completeWhen.quietFor()).isNegative()
        || completeWhen.quietRuns() > 0 && quietRuns >= completeWhen.quietRuns();
  }

  /** One line a user can read: complete or not, and why. */
  public String status() {
    Duration quiet = Duration.between(lastNewEntry, ended);
    return (complete() ? "complete" : "still learning") + ": no new entry for " + Condition.text(quiet) + ", "
        + quietRuns + " of " + runs + " run(s) in a row without one (complete after " + completeWhen.describe()
        + ")";
  }

  /**
   * When learning is complete.
   *
   * @param quietFor no new entry for this long
   * @param quietRuns or this many learning runs in a row without a new entry (0: runs do not count)
   */
  public record Condition(Duration quietFor, int quietRuns) {
    /** 30 minutes without a new entry, or 2 runs in a row without one. */
    public static final Condition DEFAULT = new Condition(Duration.ofMinutes(30), 2);

    public Condition {
      if (quietFor.isNegative() || quietFor.isZero()) {
        throw new IllegalArgumentException("the quiet time of a learning condition is positive, not " + quietFor);
      }
      if (quietRuns < 0 || quietRuns > 1000) {
        throw new IllegalArgumentException("the quiet runs of a learning condition are 0-1000, not " + quietRuns);
      }
    }

    /** {@code 30m without a new entry, or 2 runs in a row without one}. */
    public String describe() {
      return text(quietFor) + " without a new entry" + (quietRuns > 0 ? ", or " + quietRuns
          + " runs in a row without one" : "");
    }

    static String text(Duration d) {
      long s = d.toSeconds();
      return s >= 3600 && s % 3600 == 0 ? s / 3600 + "h" : s >= 60 && s % 60 == 0 ? s / 60 + "m"
          : s > 0 ? s + "s" : d.toMillis() + "ms";
    }
  }
}
