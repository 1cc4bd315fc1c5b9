/** Reports written as a table, JSON or SARIF 2.1.0; they carry findings' messages, which never hold a secret whole. */
@NullMarked
package dev.portcullis.rules.output;

import org.jspecify.annotations.NullMarked;
