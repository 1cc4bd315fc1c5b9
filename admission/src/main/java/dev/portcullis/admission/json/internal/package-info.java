/** Objects received as JSON, taken as the YAML trees the rules' checks read. */
@NullMarked
package dev.portcullis.admission.json.internal;

import org.jspecify.annotations.NullMarked;
