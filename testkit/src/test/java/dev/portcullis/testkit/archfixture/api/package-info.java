/** Fixture classes for the architecture rules' own tests; {@code cycle} is, on purpose, not null-marked. */
@NullMarked
package dev.portcullis.testkit.archfixture.api;

import org.jspecify.annotations.NullMarked;
