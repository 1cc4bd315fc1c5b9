/**
 * Enforcing profiles through the kernel: {@link dev.portcullis.behaviour.enforce.NftRuleset} turns a profile into an
 * nftables table for the workload's own network namespace, {@link dev.portcullis.behaviour.enforce.Enforcer} installs
 * it and watches connections and execs, reporting (monitor) or stopping (protect) what the profile does not hold,
 * and {@link dev.portcullis.behaviour.enforce.Modes} switches a workload's mode while it runs.
 */
@NullMarked
package dev.portcullis.behaviour.enforce;

import org.jspecify.annotations.NullMarked;
