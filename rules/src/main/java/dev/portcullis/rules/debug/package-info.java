/** The {@code PCS-DEBUG} checks: debuggers, debug modes and development settings left in what is shipped. */
@NullMarked
package dev.portcullis.rules.debug;

import org.jspecify.annotations.NullMarked;
