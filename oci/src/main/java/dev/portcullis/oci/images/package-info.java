/**
 * Opening images from every kind of {@link dev.portcullis.oci.ImageSource source} and writing them to OCI layouts:
 * the entry points above the model in {@code dev.portcullis.oci}, the readers in {@code internal} and the registry
 * client, so that the model never imports its implementations.
 */
@NullMarked
package dev.portcullis.oci.images;

import org.jspecify.annotations.NullMarked;
