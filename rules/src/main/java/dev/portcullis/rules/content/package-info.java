/** Text to search for secrets and debug leftovers: files of an image (deleted ones too), its config values, files on disk; a keyword index over them. */
@NullMarked
package dev.portcullis.rules.content;

import org.jspecify.annotations.NullMarked;
