package dev.portcullis.server.store;

/** The deployments admission records, on a real PostgreSQL server. */
class DeploymentsPostgresIT extends DeploymentsContract {
  @Override
  protected Store open(MutableClock clock) throws Exception {
    return SharedPostgres.store("deployments", 2, clock);
  }
}
