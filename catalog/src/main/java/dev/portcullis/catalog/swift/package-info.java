/**
 * Swift and Objective-C packages their lock files pin: Swift Package Manager's {@code Package.resolved}
 * ({@code swift-package-resolved-cataloger}) and CocoaPods' {@code Podfile.lock} ({@code cocoapods-podfile-lock-cataloger}).
 */
@NullMarked
package dev.portcullis.catalog.swift;

import org.jspecify.annotations.NullMarked;
