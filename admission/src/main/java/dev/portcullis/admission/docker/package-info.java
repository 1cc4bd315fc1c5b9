/**
 * The Docker engine's authorization plugin: a server on a Unix domain socket that speaks the
 * engine's AuthZ plugin protocol ({@code /Plugin.Activate}, {@code /AuthZPlugin.AuthZReq}, {@code
 * /AuthZPlugin.AuthZRes}) and answers {@code POST /containers/create} and {@code exec} requests with
 * the one admission decision: image approval (the image the engine holds, pinned to its digest) and
 * host isolation read from the request body. Whatever cannot be decided is refused.
 */
@NullMarked
package dev.portcullis.admission.docker;

import org.jspecify.annotations.NullMarked;
