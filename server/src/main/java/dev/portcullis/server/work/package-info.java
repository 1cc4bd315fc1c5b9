/** The work behind the queue: scanning, deciding and re-signing an image, the workers that run jobs, and the registry sweep. */
@NullMarked
package dev.portcullis.server.work;

import org.jspecify.annotations.NullMarked;
