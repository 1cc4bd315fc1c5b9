/**
 * Who is calling and what they may do: identities (users, API tokens, the server's own actors),
 * roles with their permissions, grants scoped to repository patterns, and the one check every
 * request passes before its handler runs.
 */
@NullMarked
package dev.portcullis.server.auth;

import org.jspecify.annotations.NullMarked;
