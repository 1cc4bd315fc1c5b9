/** Arch Linux packages that pacman installed ({@code alpm-db-cataloger}). */
@NullMarked
package dev.portcullis.catalog.alpm;

import org.jspecify.annotations.NullMarked;
