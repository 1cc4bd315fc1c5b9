/**
 * The one scan engine: {@link dev.portcullis.scan.Scanner} reads an image once and returns one
 * {@link dev.portcullis.scan.Assessment}; the command line, and later the server, admission and
 * promotion, all call it.
 */
@NullMarked
package dev.portcullis.scan;

import org.jspecify.annotations.NullMarked;
