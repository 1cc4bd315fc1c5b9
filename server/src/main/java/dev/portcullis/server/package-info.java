/**
 * {@code portcullis server}: images pushed to a registry are scanned without anyone asking, held
 * at the pull gate while unscanned or failing, re-signed when they pass, and promoted between
 * registries through a gate; the work is a queue of jobs in the server's database.
 */
@NullMarked
package dev.portcullis.server;

import org.jspecify.annotations.NullMarked;
