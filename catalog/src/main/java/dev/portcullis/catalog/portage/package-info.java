/** Gentoo packages that Portage installed ({@code portage-cataloger}). */
@NullMarked
package dev.portcullis.catalog.portage;

import org.jspecify.annotations.NullMarked;
