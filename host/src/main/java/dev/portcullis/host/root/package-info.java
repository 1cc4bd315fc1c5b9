/**
 * The file system a host check reads: the live host ({@code /}, with {@code /proc}) or a copy of a
 * host's file system in a directory, where every path stays inside that directory, symlinks are
 * re-rooted and never followed out of it, and every read is bounded.
 */
@NullMarked
package dev.portcullis.host.root;

import org.jspecify.annotations.NullMarked;
