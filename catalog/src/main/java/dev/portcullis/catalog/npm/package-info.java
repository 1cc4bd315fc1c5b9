/**
 * npm packages: those installed under {@code node_modules} ({@code node-package-cataloger}) and
 * those that {@code package-lock.json}, {@code yarn.lock} and {@code pnpm-lock.yaml} pin ({@code npm-lock-cataloger}).
 */
@NullMarked
package dev.portcullis.catalog.npm;

import org.jspecify.annotations.NullMarked;
