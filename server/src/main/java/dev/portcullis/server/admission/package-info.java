/**
 * Admission served by the server: the Kubernetes webhooks' decisions from the server's stored
 * state (image states, prefetched signatures and verdicts, tag → digest), each recorded in the audit
 * trail, and the facts the runtime hook and the Docker plugin ask for.
 */
@NullMarked
package dev.portcullis.server.admission;

import org.jspecify.annotations.NullMarked;
