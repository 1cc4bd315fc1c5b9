/** What every HTTP listener of the server shares: the handling of a refused request's body. */
@NullMarked
package dev.portcullis.server.http;

import org.jspecify.annotations.NullMarked;
