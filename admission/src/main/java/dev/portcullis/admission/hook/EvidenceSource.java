package dev.portcullis.admission.hook;

import dev.portcullis.admission.Evidence;
import java.io.IOException;

/** Where one decision's facts come from: a server's client, or the image's registry; made afresh or shared, as the source likes. */
@FunctionalInterface
public interface EvidenceSource {
  Evidence open() throws IOException;
}
