package dev.portcullis.server.audit;

import java.util.Locale;

/** What checking an audit chain found: intact, or the first record that is not. */
public sealed interface Verification {
  /** One line for people. */
  String summary();

  /**
   * Every record's hash and link checked, {@code 1..records} without a gap.
   *
   * @param records how many (the last seq; 0 for an empty chain)
   * @param head the last record's hash ({@link AuditRecord#GENESIS} when empty)
   * @param checkpoints how many checkpoints matched the chain
   * @param signedThrough the highest seq a checkpoint covers (0: none, so a cut-off tail would go unnoticed)
   * @param signaturesChecked whether checkpoint signatures were checked against trusted keys (none given: not checked)
   */
  record Verified(long records, String head, int checkpoints, long signedThrough, boolean signaturesChecked) implements Verification {
    @Override
    public String summary() {
      String signed;
      if (checkpoints == 0) {
        signed = "no signed checkpoint, so a cut-off tail would not be detected";
      } else {
        signed = checkpoints + " checkpoint" + (checkpoints == 1 ? "" : "s") + ", signed through record " + signedThrough
            + (signaturesChecked ? "" : " (signatures not checked: no trusted key given)")
            + (signedThrough < records ? "; records after " + signedThrough + " are not signed yet" : "");
      }
      return "audit chain intact: " + records + " record" + (records == 1 ? "" : "s") + (records == 0 ? "" : ", head " + head) + "; "
          + signed;
    }
  }

  /**
   * The chain is broken at record {@code seq}, the first one that is not as it was appended.
   *
   * @param reason one line: what was found there
   */
  record Broken(long seq, Tampering tampering, String reason) implements Verification {
    @Override
    public String summary() {
      return "record " + seq + ": " + tampering.label() + ": " + reason;
    }
  }

  /** What a break looks like it was. */
  enum Tampering {
    /** the record's fields do not hash to its hash */
    EDITED,
    /** a seq is missing */
    DELETED,
    /** a record's prev is not its predecessor's hash, or records out of order */
    REORDERED,
    /** a checkpoint or the head names records that are not there */
    TRUNCATED,
    /** a checkpoint names a different hash for a record than the record has */
    REWRITTEN,
    /** a checkpoint's signature is not a trusted key's */
    BAD_SIGNATURE,
    /** a line or row is not a record or checkpoint at all */
    MALFORMED;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }
}
