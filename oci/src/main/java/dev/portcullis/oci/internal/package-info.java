@NullMarked
package dev.portcullis.oci.internal;

import org.jspecify.annotations.NullMarked;
