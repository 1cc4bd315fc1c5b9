/** Vulnerability findings, what a user asked to see of them (severity, ignore file, VEX), and the report formats. */
@NullMarked
package dev.portcullis.vuln.report;

import org.jspecify.annotations.NullMarked;
