/**
 * Reading container images: {@link dev.portcullis.oci.ImageSource sources}, {@link
 * dev.portcullis.oci.Image images}, their manifests, configs and {@link dev.portcullis.oci.Layer layers}.
 */
@NullMarked
package dev.portcullis.oci;

import org.jspecify.annotations.NullMarked;
