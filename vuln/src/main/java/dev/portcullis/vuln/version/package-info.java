/**
 * Version schemes, one class per ecosystem's rules for reading and ordering versions, and the {@link
 * dev.portcullis.vuln.version.Version} values they parse. The built-in list lives in {@code version.builtin}.
 */
@NullMarked
package dev.portcullis.vuln.version;

import org.jspecify.annotations.NullMarked;
