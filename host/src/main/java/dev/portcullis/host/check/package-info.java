/**
 * The built-in host checks (YAML data under {@code dev/portcullis/host/checks/}), validated at
 * load, and the engine that runs them on a {@link dev.portcullis.host.root.Root}.
 */
@NullMarked
package dev.portcullis.host.check;

import org.jspecify.annotations.NullMarked;
