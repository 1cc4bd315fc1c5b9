package dev.portcullis.admission;

/** Where the server's lifecycle puts an image: the state of its last scan, or a person's release. */
public enum Standing {
  /** pushed, not decided yet (pending or scanning) */
  UNDECIDED,
  PASSED,
  WARNED,
  QUARANTINED,
  /** released by a person despite its scan */
  RELEASED
}
