/** Version schemes, one class per ecosystem's ordering rules, and the lookup from ecosystem to scheme. */
@NullMarked
package dev.portcullis.vuln.version;

import org.jspecify.annotations.NullMarked;
