/**
 * The list of built-in catalogers, kept out of {@code dev.portcullis.catalog} so that the API package never imports
 * the plug-ins that implement it.
 */
@NullMarked
package dev.portcullis.catalog.catalogers;

import org.jspecify.annotations.NullMarked;
