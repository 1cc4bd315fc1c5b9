/**
 * The OCI runtime hook: podman and CRI-O run it (through a {@code hooks.d} entry) before a container
 * starts, with the container's state on standard input; it reads the bundle's {@code config.json} and
 * the image from containers-storage, asks {@link dev.portcullis.admission.Admission} about the image
 * and the host access, and refuses the start by exiting non-zero with one line on standard error.
 * It runs in process ({@code portcullis hook}) or as a daemon on a Unix socket ({@link
 * dev.portcullis.admission.hook.HookDaemon}) that a small JDK-only client ({@link
 * dev.portcullis.admission.hook.client.HookClient}) asks.
 */
@NullMarked
package dev.portcullis.admission.hook;

import org.jspecify.annotations.NullMarked;
