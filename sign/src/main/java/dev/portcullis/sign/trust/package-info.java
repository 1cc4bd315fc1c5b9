/** Trust policies: which signers an image needs, per stage, before it is believed. */
@NullMarked
package dev.portcullis.sign.trust;

import org.jspecify.annotations.NullMarked;
