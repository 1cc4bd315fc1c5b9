/** Test support: image builders and launchers of the real tools the integration tests drive. */
@NullMarked
package dev.portcullis.testkit;

import org.jspecify.annotations.NullMarked;
