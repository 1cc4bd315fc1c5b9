/** The {@code PCS-SECRET} checks: credentials in their known formats and generic high-entropy assignments, always redacted. */
@NullMarked
package dev.portcullis.rules.secrets;

import org.jspecify.annotations.NullMarked;
