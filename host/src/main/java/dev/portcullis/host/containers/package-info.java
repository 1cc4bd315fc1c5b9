/**
 * Running containers, as their engine (podman, Docker) reports them in its own inspect data, and
 * the tests a live host check applies to each of them.
 */
@NullMarked
package dev.portcullis.host.containers;

import org.jspecify.annotations.NullMarked;
