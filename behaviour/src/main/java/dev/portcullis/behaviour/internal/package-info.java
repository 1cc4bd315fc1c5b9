/**
 * The kernel side of behaviour learning and enforcement, shared by {@code capture} and {@code enforce}: bounded
 * external commands, nftables rules inside a workload's own network namespace, NFLOG packets read with tcpdump, exec
 * events read from the Linux audit log, and attribution of both to workloads.
 */
@NullMarked
package dev.portcullis.behaviour.internal;

import org.jspecify.annotations.NullMarked;
