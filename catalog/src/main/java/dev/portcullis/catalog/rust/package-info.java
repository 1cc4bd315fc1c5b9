/** Rust crates pinned by {@code Cargo.lock} ({@code cargo-lock-cataloger}). */
@NullMarked
package dev.portcullis.catalog.rust;

import org.jspecify.annotations.NullMarked;
