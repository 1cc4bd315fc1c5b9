/**
 * Daemon settings resolved as the daemon itself resolves them (kubelet flags over its config file
 * over its defaults; dockerd's {@code daemon.json} beside its unit's flags; podman's layered
 * {@code containers.conf}; systemd units with drop-ins), each value with where it came from.
 */
@NullMarked
package dev.portcullis.host.settings;

import org.jspecify.annotations.NullMarked;
