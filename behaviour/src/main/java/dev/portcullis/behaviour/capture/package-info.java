/**
 * Learning from the kernel: {@link dev.portcullis.behaviour.capture.Targets#resolve resolve} workload references to
 * their network namespaces, then {@link dev.portcullis.behaviour.capture.Learner learn} each one's network flows
 * (nftables NFLOG rules in its own namespace) and processes (Linux audit exec events) into an {@link
 * dev.portcullis.behaviour.Observation}.
 */
@NullMarked
package dev.portcullis.behaviour.capture;

import org.jspecify.annotations.NullMarked;
