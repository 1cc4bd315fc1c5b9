/**
 * The hook's client: what a {@code hooks.d} entry runs on every container start when the hook runs
 * as a daemon. It uses the JDK alone, so that it starts in milliseconds.
 */
@NullMarked
package dev.portcullis.admission.hook.client;

import org.jspecify.annotations.NullMarked;
