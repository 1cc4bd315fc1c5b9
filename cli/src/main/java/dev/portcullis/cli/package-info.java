/** The {@code portcullis} command line. */
@NullMarked
package dev.portcullis.cli;

import org.jspecify.annotations.NullMarked;
