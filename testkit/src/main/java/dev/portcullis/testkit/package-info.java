/** Test-only helpers: real-tool launchers (registry, skopeo, openssl), fixtures and image builders. */
@NullMarked
package dev.portcullis.testkit;

import org.jspecify.annotations.NullMarked;
