/**
 * CVSS vectors of versions 2.0, 3.0, 3.1 and 4.0: parsed, validated, and given their base score and
 * qualitative rating as FIRST's specifications define them.
 */
@NullMarked
package dev.portcullis.vuln.cvss;

import org.jspecify.annotations.NullMarked;
