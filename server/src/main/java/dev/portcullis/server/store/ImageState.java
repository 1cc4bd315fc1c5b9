package dev.portcullis.server.store;

import java.util.Locale;

/** Where an image stands: {@code pending → scanning → passed | warned | quarantined}, and {@code released} by hand. */
public enum ImageState {
  PENDING, SCANNING, PASSED, WARNED, QUARANTINED, RELEASED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a scan has decided (or a person has overridden) the state. */
  public boolean decided() {
    return this == PASSED || this == WARNED || this == QUARANTINED || this == RELEASED;
  }

  /** The state for a label; {@link IllegalArgumentException} names the labels when it is none of them. */
  public static ImageState parse(String label) {
    for (ImageState s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("state " + label + ": not one of pending, scanning, passed, warned, quarantined, released");
  }
}
