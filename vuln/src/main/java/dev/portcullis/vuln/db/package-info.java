/**
 * The offline vulnerability database: one SQLite file built from OSV records, EPSS scores and the
 * CISA KEV catalogue ({@link dev.portcullis.vuln.db.DatabaseImporter}), read with
 * {@link dev.portcullis.vuln.db.Database}, refreshed from a mirror
 * ({@link dev.portcullis.vuln.db.MirrorUpdater}) or moved as an OCI artifact.
 */
@NullMarked
package dev.portcullis.vuln.db;

import org.jspecify.annotations.NullMarked;
