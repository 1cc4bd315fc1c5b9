/**
 * The {@code java-archive-cataloger}: Maven packages in jar, war, ear and Jenkins plug-in archives,
 * nested ones included, identified from {@code pom.properties}, the manifest and the file name.
 */
@NullMarked
package dev.portcullis.catalog.java;

import org.jspecify.annotations.NullMarked;
