package dev.portcullis.host;

/**
 * The outcome of one check on one host. {@code NOT_APPLICABLE}, {@code MANUAL} and {@code ERROR}
 * always come with their reason; none of them is ever counted as a pass.
 */
public enum Status {
  PASS,
  FAIL,
  /** The check cannot apply here: offline, or the profile's software is not installed. */
  NOT_APPLICABLE,
  /** The benchmark asks a person to judge; what was found is shown. */
  MANUAL,
  /** What the check needs could not be read (a binary, too large or unparsable file, a symlink loop). */
  ERROR
}
