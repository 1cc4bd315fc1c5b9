/** Software bills of materials: a {@link dev.portcullis.catalog.Catalog} written as CycloneDX 1.6 or SPDX 2.3 JSON. */
@NullMarked
package dev.portcullis.catalog.sbom;

import org.jspecify.annotations.NullMarked;
