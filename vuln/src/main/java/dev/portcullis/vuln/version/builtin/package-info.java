/**
 * The built-in version schemes, listed once ({@link dev.portcullis.vuln.version.builtin.VersionSchemes}), and the
 * lookup from an ecosystem, or an OSV ecosystem name, to its scheme. Apart from the schemes' own package so that
 * {@code vuln.version} never imports the list of its plug-ins.
 */
@NullMarked
package dev.portcullis.vuln.version.builtin;

import org.jspecify.annotations.NullMarked;
