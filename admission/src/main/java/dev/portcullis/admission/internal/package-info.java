/** What the admission entry points share and do not offer as API: reading their configuration files. */
@NullMarked
package dev.portcullis.admission.internal;

import org.jspecify.annotations.NullMarked;
