/** YAML documents as trees whose every node knows its line and column, read with bounds against hostile input. */
@NullMarked
package dev.portcullis.rules.yaml;

import org.jspecify.annotations.NullMarked;
