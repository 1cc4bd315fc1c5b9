package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImagePinTest {
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);
  private static final String ID = "sha256:f78de0b143ba838edbd0d1c13c7d7021d9a4bb9129ed9ebb97b8c81d338df4ee";

  @Test
  void aDigestReferencePinsItself() {
    ImagePin p = ImagePin.of("127.0.0.1:5000/app@" + D1, Optional.empty());
    assertEquals("127.0.0.1:5000/app@" + D1, ((ImagePin.Pinned) p).ref().toString());
  }

  @Test
  void aTagIsPinnedToTheDigestTheEnginePulledItsRepositoryBy() {
    EngineClient.LocalImage local = new EngineClient.LocalImage(ID, List.of("127.0.0.1:5000/other@" + D2, "127.0.0.1:5000/app@" + D1));
    ImagePin p = ImagePin.of("127.0.0.1:5000/app:1", Optional.of(local));
    assertEquals("127.0.0.1:5000/app@" + D1, ((ImagePin.Pinned) p).ref().toString());
  }

  @Test
  void anImageIdIsPinnedToWhatTheEngineRecorded() {
    EngineClient.LocalImage local = new EngineClient.LocalImage(ID, List.of("127.0.0.1:5000/app@" + D1));
    assertEquals("127.0.0.1:5000/app@" + D1, ((ImagePin.Pinned) ImagePin.of("f78de0b143ba", Optional.of(local))).ref().toString());
  }

  @Test
  void anImageLoadedFromAnArchiveCannotBeProven() {
    ImagePin p = ImagePin.of("app:1", Optional.of(new EngineClient.LocalImage(ID, List.of())));
    String message = assertInstanceOf(ImagePin.Unprovable.class, p).message();
    assertTrue(message.contains("was not pulled from a registry"), message);
    assertTrue(message.contains("pull it from there by digest"), message);
  }

  @Test
  void anImageOfAnotherRepositoryIsNotBorrowed() {
    // the tag names app, the engine recorded only other: other's signatures say nothing about what app:1 is
    EngineClient.LocalImage local = new EngineClient.LocalImage(ID, List.of("127.0.0.1:5000/other@" + D2));
    assertInstanceOf(ImagePin.Unprovable.class, ImagePin.of("127.0.0.1:5000/app:1", Optional.of(local)));
  }

  @Test
  void aTagTheEngineDoesNotHaveMustBePulledByDigestFirst() {
    String message = assertInstanceOf(ImagePin.Unprovable.class, ImagePin.of("app:1", Optional.empty())).message();
    assertTrue(message.contains("docker pull"), message);
  }
}
