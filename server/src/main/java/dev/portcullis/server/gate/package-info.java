/**
 * The pull gate: an OCI Distribution reverse proxy in front of one registry. Everything streams
 * through unchanged, pushes included, except manifest reads, which are served only when a {@link
 * dev.portcullis.server.gate.PullPolicy} admits the digest the registry answers with. Start one
 * with {@link dev.portcullis.server.gate.PullGate#start}.
 */
@NullMarked
package dev.portcullis.server.gate;

import org.jspecify.annotations.NullMarked;
