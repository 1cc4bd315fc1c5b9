package dev.portcullis.server.audit;

import java.time.Instant;
import java.util.Set;

/**
 * One record of the audit trail, chained to the one before it.
 *
 * <p><b>Canonical form</b> (what {@link #hash} is computed over, so any tool can re-verify a chain):
 * a JSON object of exactly the eleven members {@code action}, {@code actorId}, {@code actorKind},
 * {@code actorName}, {@code outcome}, {@code prev}, {@code reason}, {@code seq}, {@code source},
 * {@code target}, {@code time} (every field but {@code hash}), in that order (keys sorted by their
 * characters), with no white space anywhere, encoded as UTF-8. {@code seq} is a JSON integer; every
 * other member is a JSON string. {@code time} is UTC with exactly three fraction digits,
 * {@code 2025-01-31T12:00:00.120Z}. In strings, {@code "} and {@code \} are escaped with a backslash,
 * U+0008, U+0009, U+000A, U+000C and U+000D as {@code \b \t \n \f \r}, the other characters below
 * U+0020 as <code>&#92;u00xx</code> with lower-case hex; every other character, including {@code /}, U+007F and
 * all non-ASCII, is written as itself. That is the JSON Canonicalization Scheme (RFC 8785) of the
 * record without {@code hash}, and what Python's {@code json.dumps(r, sort_keys=True,
 * separators=(",", ":"), ensure_ascii=False)} writes for a record of an export once {@code hash} is
 * removed ({@code jq -cS 'del(.hash)'} writes the same but for U+007F, which it escapes).
 * {@code hash} is the lower-case hex SHA-256 of those bytes.
 *
 * <p>Text fields are well-formed Unicode (an unpaired surrogate in an event becomes {@code ?}) and
 * bounded in length ({@link AuditLog} shortens longer ones, ending them with {@code …}).
 *
 * @param seq 1 for the first record, then each record's predecessor's plus one, with no gap
 * @param time when it was appended, to the millisecond
 * @param actorId the identity's id ({@code user:alice}, {@code token:ID}, {@code actor:scanner}, {@code anonymous})
 * @param actorName the name people read
 * @param actorKind {@code user}, {@code token}, {@code actor} or {@code anonymous}
 * @param source the address the request came from ({@code ""} inside the server)
 * @param action a dotted verb ({@code login}, {@code exception.approve}, ...)
 * @param target what it was done on ({@code ""} for nothing)
 * @param outcome {@code success}, {@code denied}, {@code refused}, {@code failed}, ...
 * @param reason why, one line ({@code ""} for none)
 * @param prev the {@code hash} of the record {@code seq - 1}; 64 zeros for seq 1
 * @param hash lower-case hex SHA-256 of this record's canonical form
 */
public record AuditRecord(long seq, Instant time, String actorId, String actorName, String actorKind, String source, String action,
    String target, String outcome, String reason, String prev, String hash) {
  /** {@code prev} of the first record. */
  public static final String GENESIS = Canonical.GENESIS;

  /** The values {@link #actorKind} takes. */
  public static final Set<String> KINDS = Set.of("user", "token", "actor", "anonymous");

  public AuditRecord {
    if (seq < 1) {
      throw new IllegalArgumentException("audit record: seq " + seq + " is not 1 or more");
    }
    if (time.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException("audit record " + seq + ": time " + time + " is finer than a millisecond");
    }
    if (!KINDS.contains(actorKind)) {
      throw new IllegalArgumentException("audit record " + seq + ": actor kind '" + actorKind + "' is not one of " + KINDS);
    }
    if (action.isBlank()) {
      throw new IllegalArgumentException("audit record " + seq + ": no action");
    }
    if (!Canonical.isHash(prev) || !Canonical.isHash(hash)) {
      throw new IllegalArgumentException("audit record " + seq + ": prev and hash must be 64 lower-case hex digits");
    }
  }

  /**
   * The record {@code seq} after the record whose hash is {@code prev}, its {@link #hash} computed;
   * {@code time} is cut to the millisecond.
   */
  public static AuditRecord chained(long seq, Instant time, String actorId, String actorName, String actorKind, String source,
      String action, String target, String outcome, String reason, String prev) {
    Instant t = Instant.ofEpochMilli(time.toEpochMilli());
    Row unhashed = new Row(seq, Canonical.time(t), actorId, actorName, actorKind, source, action, target, outcome, reason, prev, "");
    return new AuditRecord(seq, t, actorId, actorName, actorKind, source, action, target, outcome, reason, prev, Canonical.hash(unhashed));
  }

  /** The canonical form (see the class description): the bytes {@link #hash} is the SHA-256 of. */
  public byte[] canonicalJson() {
    return Canonical.bytes(Canonical.fields(Row.of(this), false));
  }

  /** Whether {@link #hash} is the SHA-256 of {@link #canonicalJson()}. */
  public boolean intact() {
    return Canonical.hash(Row.of(this)).equals(hash);
  }
}
