package dev.portcullis.vuln.report;

/**
 * What a VEX statement says of a vulnerability in a product, in OpenVEX's words (CycloneDX's
 * analysis states map onto them). Only {@link #NOT_AFFECTED} suppresses a finding.
 */
public enum VexStatus {
  NOT_AFFECTED,
  AFFECTED,
  FIXED,
  UNDER_INVESTIGATION;
}
