package dev.portcullis.rules;

/** How much a finding matters, lowest first; the order is the order of {@link #compareTo}. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL
}
