package dev.portcullis.server.store;


/** The queue on a real PostgreSQL server (rows locked with FOR UPDATE SKIP LOCKED). */
class JobQueuePostgresIT extends JobQueueContract {
  @Override
  protected Store open(MutableClock clock) throws Exception {
    return SharedPostgres.store("queue", 8, clock);
  }
}
