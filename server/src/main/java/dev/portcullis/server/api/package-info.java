/**
 * The server's HTTP interface: the REST API under {@code /v1}, declared once as a table of
 * operations from which both the routes and the OpenAPI document are made; registry
 * notifications; health, readiness and metrics.
 */
@NullMarked
package dev.portcullis.server.api;

import org.jspecify.annotations.NullMarked;
