package dev.portcullis.server.audit;

/**
 * A record's fields as stored or exported, before anything is believed: the time as its text, the
 * kind, prev and hash as they are (a tampered row may hold anything). What the verifier reads.
 */
record Row(long seq, String time, String actorId, String actorName, String actorKind, String source, String action, String target,
    String outcome, String reason, String prev, String hash) {
  static Row of(AuditRecord r) {
    return new Row(r.seq(), Canonical.time(r.time()), r.actorId(), r.actorName(), r.actorKind(), r.source(), r.action(), r.target(),
        r.outcome(), r.reason(), r.prev(), r.hash());
  }
}
