/** Erlang packages a rebar3 {@code rebar.lock} pins ({@code erlang-rebar-lock-cataloger}). */
@NullMarked
package dev.portcullis.catalog.erlang;

import org.jspecify.annotations.NullMarked;
