/** Compose files and the {@code PCS-COMPOSE} checks. */
@NullMarked
package dev.portcullis.rules.compose;

import org.jspecify.annotations.NullMarked;
