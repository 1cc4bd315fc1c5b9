/** A host report as a table, JSON ({@code portcullis.dev/host-report/v1}), SARIF 2.1.0 and JUnit XML. */
@NullMarked
package dev.portcullis.host.output;

import org.jspecify.annotations.NullMarked;
