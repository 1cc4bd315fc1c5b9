package dev.portcullis.vuln.report;

import dev.portcullis.core.Finding;

/** Why a finding is not reported: an ignore entry that covers it, or a VEX statement that it does not apply. */
public sealed interface Suppression {
  Finding.Vulnerability finding();

  /** One line for the report. */
  String reason();

  record Ignored(Finding.Vulnerability finding, IgnoreRule rule) implements Suppression {
    @Override
    public String reason() {
      return "ignored (" + rule.where() + "): " + rule.reason() + rule.expiresIfAny().map(d -> ", until " + d).orElse("");
    }
  }

  record NotAffected(Finding.Vulnerability finding, VexStatement statement) implements Suppression {
    @Override
    public String reason() {
      return "not affected (VEX " + statement.source() + "): " + statement.justification();
    }
  }
}
