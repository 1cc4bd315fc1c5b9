/**
 * The {@code binary-classifier-cataloger}: runtimes and servers identified from their own files
 * (a version string inside the binary, the JDK's {@code release} file) where no package database
 * names them.
 */
@NullMarked
package dev.portcullis.catalog.binary;

import org.jspecify.annotations.NullMarked;
