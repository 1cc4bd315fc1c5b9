/** Haskell packages that Stack's and Cabal's lock files pin ({@code haskell-cataloger}). */
@NullMarked
package dev.portcullis.catalog.haskell;

import org.jspecify.annotations.NullMarked;
