/** Values shared by every Portcullis module: digests, image references, platforms. */
@NullMarked
package dev.portcullis.core;

import org.jspecify.annotations.NullMarked;
