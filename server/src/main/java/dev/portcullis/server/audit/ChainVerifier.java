package dev.portcullis.server.audit;

import dev.portcullis.server.audit.Verification.Broken;
import dev.portcullis.server.audit.Verification.Tampering;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks a chain fed record by record in the order stored, with each checkpoint fed after the record
 * it signs (or before, when that record is missing); holds one record of look-ahead and the
 * checkpoints not yet reached, never the chain. Stops at the first break.
 */
final class ChainVerifier {
  /** Checkpoints waiting for their record: more than this is not an export we wrote. */
  static final int MAX_PENDING_CHECKPOINTS = 100_000;

  private final Map<String, PublicKey> trusted = new HashMap<>();
  private final TreeMap<Long, List<Checkpoint>> pending = new TreeMap<>();
  private int pendingCount;
  private long lastSeq;
  private String lastHash = Canonical.GENESIS;
  private int checkpoints;
  private long signedThrough;
  /** a record whose seq jumped ahead: deleted records, or the first of a reordering (the next record tells) */
  private @Nullable Row jumped;
  private @Nullable Broken broken;

  ChainVerifier(List<PublicKey> trustedKeys) {
    trustedKeys.forEach(k -> trusted.put(KeyIds.of(k), k));
  }

  boolean broken() {
    return broken != null;
  }

  /** Feeds the next record; false once the chain is broken. */
  boolean record(Row r) {
    if (broken != null) {
      return false;
    }
    if (jumped != null) {
      Row j = jumped;
      jumped = null;
      if (r.seq() < j.seq()) {
        return fail(lastSeq + 1, Tampering.REORDERED, "found record " + j.seq() + " in its place, then record " + r.seq()
            + " (records swapped or reordered)");
      }
      return missing(j.seq());
    }
    long expected = lastSeq + 1;
    if (r.seq() < expected) {
      return fail(expected, Tampering.REORDERED, "found record " + r.seq() + " again, or out of order, after record " + lastSeq);
    }
    if (r.seq() > expected) {
      jumped = r;
      return true;
    }
    if (!r.prev().equals(lastHash)) {
      return fail(r.seq(), Tampering.REORDERED, "its prev " + shortHash(r.prev()) + " is not record " + lastSeq + "'s hash "
          + shortHash(lastHash) + " (records swapped or reordered, or record " + lastSeq + " rewritten)");
    }
    String computed = Canonical.hash(r);
    if (!computed.equals(r.hash())) {
      return fail(r.seq(), Tampering.EDITED, "its fields hash to " + shortHash(computed) + ", not to its hash " + shortHash(r.hash())
          + " (a field was changed)");
    }
    lastSeq = r.seq();
    lastHash = r.hash();
    List<Checkpoint> due = pending.remove(lastSeq);
    if (due != null) {
      pendingCount -= due.size();
      for (Checkpoint c : due) {
        if (!matches(c)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Feeds a checkpoint; false once the chain is broken. */
  boolean checkpoint(Checkpoint c) {
    if (broken != null) {
      return false;
    }
    if (!signatureOk(c)) {
      return false;
    }
    if (jumped == null && c.seq() == lastSeq) {
      return matches(c);
    }
    if (c.seq() <= lastSeq) {
      return fail(c.seq(), Tampering.MALFORMED, "a checkpoint for it comes after record " + lastSeq
          + " (a checkpoint follows the record it signs)");
    }
    if (pendingCount >= MAX_PENDING_CHECKPOINTS) {
      return fail(lastSeq + 1, Tampering.MALFORMED, "more than " + MAX_PENDING_CHECKPOINTS + " checkpoints ahead of the records");
    }
    pending.computeIfAbsent(c.seq(), s -> new ArrayList<>()).add(c);
    pendingCount++;
    return true;
  }

  /** A line or row that is not a record or checkpoint; {@code where} says which. */
  boolean malformed(String where, String why) {
    if (broken != null) {
      return false;
    }
    if (jumped != null) {
      Row j = jumped;
      jumped = null;
      return missing(j.seq());
    }
    return fail(lastSeq + 1, Tampering.MALFORMED, where + ": " + why);
  }

  /**
   * The result once everything is fed; with {@code head} (the seq and hash the database's head row
   * names, or the highest checkpoint), records it names beyond the last are missing.
   */
  Verification finish(@Nullable Head head) {
    if (broken == null && jumped != null) {
      Row j = jumped;
      jumped = null;
      missing(j.seq());
    }
    if (broken == null && !pending.isEmpty()) {
      Checkpoint c = pending.lastEntry().getValue().get(0);
      fail(lastSeq + 1, Tampering.TRUNCATED, "missing, and every record after it: the chain ends at record " + lastSeq
          + " but a checkpoint signed by " + c.keyId() + " covers record " + c.seq() + " (the tail was cut off)");
    }
    if (broken == null && head != null && head.seq() > lastSeq) {
      fail(lastSeq + 1, Tampering.TRUNCATED, "missing, and every record after it: the chain ends at record " + lastSeq
          + " but the database's head names record " + head.seq() + " (the tail was cut off)");
    }
    if (broken == null && head != null && head.seq() == lastSeq && lastSeq > 0 && !head.hash().equals(lastHash)) {
      fail(lastSeq, Tampering.REWRITTEN, "its hash " + shortHash(lastHash) + " is not the hash " + shortHash(head.hash())
          + " the database's head names (the chain was rewritten)");
    }
    if (broken != null) {
      return broken;
    }
    return new Verification.Verified(lastSeq, lastHash, checkpoints, signedThrough, !trusted.isEmpty());
  }

  /** The seq and hash of the last record as the database's head row names them. */
  record Head(long seq, String hash) {}

  private boolean missing(long found) {
    long first = lastSeq + 1;
    String which = found - 1 == first ? "record " + first + " is" : "records " + first + " to " + (found - 1) + " are";
    return fail(first, Tampering.DELETED, which + " missing: record " + found + " follows record " + lastSeq);
  }

  private boolean matches(Checkpoint c) {
    if (!c.hash().equals(lastHash)) {
      return fail(c.seq(), Tampering.REWRITTEN, "its hash " + shortHash(lastHash) + " is not the hash " + shortHash(c.hash())
          + " the checkpoint signed by " + c.keyId() + " names (the chain was rewritten)");
    }
    checkpoints++;
    signedThrough = Math.max(signedThrough, c.seq());
    return true;
  }

  private boolean signatureOk(Checkpoint c) {
    if (trusted.isEmpty()) {
      return true;
    }
    PublicKey key = trusted.get(c.keyId());
    if (key == null) {
      return fail(c.seq(), Tampering.BAD_SIGNATURE, "its checkpoint is signed by " + c.keyId() + ", not by a trusted key");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(c.signature());
    } catch (IllegalArgumentException e) {
      return fail(c.seq(), Tampering.BAD_SIGNATURE, "its checkpoint's signature is not base64");
    }
    if (!PublicKeys.verify(key, c.payload(), signature)) {
      return fail(c.seq(), Tampering.BAD_SIGNATURE, "its checkpoint's signature is not " + c.keyId() + "'s over seq " + c.seq()
          + " and hash " + shortHash(c.hash()));
    }
    return true;
  }

  private boolean fail(long seq, Tampering tampering, String reason) {
    broken = new Broken(Math.max(1, seq), tampering, reason);
    return false;
  }

  /** The first 12 hex digits: enough to tell two hashes apart on one line. */
  static String shortHash(String hash) {
    String printable = hash.codePoints().allMatch(ch -> ch > 0x20 && ch < 0x7f) ? hash : "(not hex)";
    return printable.length() > 12 ? printable.substring(0, 12) + "…" : printable;
  }
}
