package dev.portcullis.rules.secrets;

import dev.portcullis.rules.content.Text;

/** A secret a rule found: the text, the line and column (from 1) where it starts, and the value (never to be shown whole). */
public record SecretHit(SecretRule rule, Text text, int line, int column, int start, int end, String secret) {}
