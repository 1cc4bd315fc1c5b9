/**
 * The tamper-evident audit trail: one append-only, hash-chained record per decision, mutating
 * call and login, with signed checkpoints of the chain head, and its verification.
 */
@NullMarked
package dev.portcullis.server.audit;

import org.jspecify.annotations.NullMarked;
