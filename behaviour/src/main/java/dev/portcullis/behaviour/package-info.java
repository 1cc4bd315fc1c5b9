/**
 * Behaviour learning: what each workload does while it runs in dev and integration (its network flows and the
 * processes it executes), kept as a versioned {@link dev.portcullis.behaviour.Profile} per workload, turned into
 * segmentation rules and process allowlists, enforced in {@link dev.portcullis.behaviour.Mode#MONITOR monitor} or
 * {@link dev.portcullis.behaviour.Mode#PROTECT protect} mode, and compared against live behaviour to show drift.
 */
@NullMarked
package dev.portcullis.behaviour;

import org.jspecify.annotations.NullMarked;
