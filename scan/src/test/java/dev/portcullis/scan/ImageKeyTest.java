package dev.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ImageKeyTest {
  /** The key writes the limits out by hand (their record's toString is slow to link): a component added later must be there too. */
  @Test
  void everyReadLimitIsPartOfTheKey() throws Exception {
    RecordComponent[] components = Limits.class.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] defaults = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      defaults[i] = components[i].getAccessor().invoke(Limits.DEFAULT);
    }
    Constructor<Limits> canonical = Limits.class.getDeclaredConstructor(types);
    ScanOptions base = ScanOptions.rules(EnumSet.of(ScanType.SECRET));
    String before = new ImageKey(base.withRead(base.read().withLimits(Limits.DEFAULT))).settings();
    for (int i = 0; i < components.length; i++) {
      Object[] changed = defaults.clone();
      changed[i] = (Long) defaults[i] + 1;
      ReadOptions read = base.read().withLimits(canonical.newInstance(changed));
      assertThat(new ImageKey(base.withRead(read)).settings()).as(components[i].getName()).isNotEqualTo(before);
    }
    assertThat(before).contains(System.getProperty("java.runtime.version"));
  }
}
