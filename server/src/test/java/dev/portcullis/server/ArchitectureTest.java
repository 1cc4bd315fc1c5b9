package dev.portcullis.server;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void serverKeepsTheSharedArchitectureRules() {
    String flyway = "Flyway finds and runs Java migrations through its own types, in the package db.migration";
    Architecture.of(Server.class)
        .allowExposure("db.migration.V6_1__audit_triggers", flyway)
        .allowExposure("db.migration.V6_1__audit_triggers.migrate(org.flywaydb.core.api.migration.Context)", flyway)
        .allowExposure("db.migration.V13_1__deployment_outcome_width", flyway)
        .allowExposure("db.migration.V13_1__deployment_outcome_width.migrate(org.flywaydb.core.api.migration.Context)", flyway)
        .check();
  }
}
