@NullMarked
package dev.portcullis.oci.registry;

import org.jspecify.annotations.NullMarked;
