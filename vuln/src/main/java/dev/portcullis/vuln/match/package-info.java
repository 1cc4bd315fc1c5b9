/** Matching a catalog against the vulnerability database: which advisories cover which installed packages. */
@NullMarked
package dev.portcullis.vuln.match;

import org.jspecify.annotations.NullMarked;
