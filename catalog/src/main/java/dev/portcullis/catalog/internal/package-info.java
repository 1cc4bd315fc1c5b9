/** What the catalogers share and no other module sees: the one JSON mapper. */
@NullMarked
package dev.portcullis.catalog.internal;

import org.jspecify.annotations.NullMarked;
