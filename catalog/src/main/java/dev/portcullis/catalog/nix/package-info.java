/** Packages in a Nix store ({@code nix-store-cataloger}). */
@NullMarked
package dev.portcullis.catalog.nix;

import org.jspecify.annotations.NullMarked;
