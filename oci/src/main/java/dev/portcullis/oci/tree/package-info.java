@NullMarked
package dev.portcullis.oci.tree;

import org.jspecify.annotations.NullMarked;
