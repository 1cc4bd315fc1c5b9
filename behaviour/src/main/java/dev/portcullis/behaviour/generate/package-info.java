/**
 * What learned profiles turn into: Kubernetes {@link dev.portcullis.behaviour.generate.NetworkPolicies}, per-workload
 * {@link dev.portcullis.behaviour.generate.ProcessAllowlists}, the {@link dev.portcullis.behaviour.generate.Drift} of
 * live behaviour from a profile and the {@link dev.portcullis.behaviour.generate.Topology} of all workloads. Every
 * output is deterministic: sorted, fixed text, no time but those the profiles hold.
 */
@NullMarked
package dev.portcullis.behaviour.generate;

import org.jspecify.annotations.NullMarked;
