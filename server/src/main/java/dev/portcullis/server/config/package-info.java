/** The server's configuration: one YAML file, validated at start with every problem listed. */
@NullMarked
package dev.portcullis.server.config;

import org.jspecify.annotations.NullMarked;
