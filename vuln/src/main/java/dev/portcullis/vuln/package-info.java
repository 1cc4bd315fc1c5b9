/** Known vulnerabilities: version schemes, the OSV advisory model, the offline database and matching. */
@NullMarked
package dev.portcullis.vuln;

import org.jspecify.annotations.NullMarked;
