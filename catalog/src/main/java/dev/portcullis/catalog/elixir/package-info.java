/** Elixir packages a {@code mix.lock} pins ({@code elixir-mix-lock-cataloger}). */
@NullMarked
package dev.portcullis.catalog.elixir;

import org.jspecify.annotations.NullMarked;
