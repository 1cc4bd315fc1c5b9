/** Dart and Flutter packages a {@code pubspec.lock} pins ({@code dart-pubspec-lock-cataloger}). */
@NullMarked
package dev.portcullis.catalog.dart;

import org.jspecify.annotations.NullMarked;
