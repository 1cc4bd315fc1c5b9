/**
 * The OSV advisory model (schema 1.6, every field), its parser, and the one implementation of OSV
 * range evaluation ({@link dev.portcullis.vuln.osv.AffectedRanges}) that every matcher uses.
 */
@NullMarked
package dev.portcullis.vuln.osv;

import org.jspecify.annotations.NullMarked;
