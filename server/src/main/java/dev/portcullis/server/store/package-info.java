/**
 * The server's state in a SQL database (SQLite by default, PostgreSQL for several servers): image
 * states with their transitions, stored assessments, and the job queue. One set of migrations
 * serves both.
 */
@NullMarked
package dev.portcullis.server.store;

import org.jspecify.annotations.NullMarked;
