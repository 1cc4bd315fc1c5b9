/** The {@code PCS-IMG} checks over an image's config, history and squashed file tree (CIS Docker section 4). */
@NullMarked
package dev.portcullis.rules.image;

import org.jspecify.annotations.NullMarked;
