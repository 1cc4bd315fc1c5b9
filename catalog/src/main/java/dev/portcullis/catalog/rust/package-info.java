/**
 * Rust crates: pinned by {@code Cargo.lock} ({@code cargo-lock-cataloger}) and compiled into
 * executables that cargo-auditable built ({@code cargo-auditable-binary-cataloger}).
 */
@NullMarked
package dev.portcullis.catalog.rust;

import org.jspecify.annotations.NullMarked;
