package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private static final PasswordHasher HASHER = new PasswordHasher();

  @Test
  void aHashIsAPhcStringWithOwaspParametersAFreshSaltAndVerifiesOnlyItsPassword() {
    String a = HASHER.hash("correct horse battery");
    String b = HASHER.hash("correct horse battery");
    assertThat(a).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(a).as("a new salt every time").isNotEqualTo(b);
    assertThat(HASHER.verify("correct horse battery", a)).isTrue();
    assertThat(HASHER.verify("correct horse batterY", a)).isFalse();
    assertThat(HASHER.verify("", a)).isFalse();
  }

  @Test
  void verifiesAHashMadeByTheReferenceImplementation() {
    // made with libargon2 1.0 (the reference C implementation): argon2id_hash_encoded(t=2, m=19456, p=1, salt "portcullis-salt!", 32 bytes)
    String reference = "$argon2id$v=19$m=19456,t=2,p=1$cG9ydGN1bGxpcy1zYWx0IQ$CN9z3UDrerhg7IJHDvuvrpQOPctaqTPB0YD8wiWyihA";
    assertThat(HASHER.verify("correct horse battery staple", reference)).isTrue();
    assertThat(HASHER.verify("correct horse battery stapler", reference)).isFalse();
    assertThat(HASHER.needsRehash(reference)).isFalse();
  }

  @Test
  void aTamperedStringNoLongerVerifies() {
    String good = HASHER.hash("correct horse battery");
    int hashStart = good.lastIndexOf('$') + 1;
    char c = good.charAt(hashStart + 5);
    String otherHash = good.substring(0, hashStart + 5) + (c == 'A' ? 'B' : 'A') + good.substring(hashStart + 6);
    assertThat(HASHER.verify("correct horse battery", otherHash)).isFalse();
    assertThat(HASHER.verify("correct horse battery", good.replace("t=2", "t=3"))).isFalse();
    String saltStart = good.substring(0, good.indexOf("$", good.indexOf("p=1")) + 1);
    String otherSalt = saltStart + "AAAA" + good.substring(saltStart.length() + 4);
    assertThat(HASHER.verify("correct horse battery", otherSalt)).isFalse();
  }

  @Test
  void malformedStringsAreRefusedWithOneLine() {
    String good = HASHER.hash("correct horse battery");
    for (String bad : new String[] {"", "plain", good.replace("argon2id", "argon2i"), good.replace("v=19", "v=16"),
        good.substring(0, good.length() - 30), good + "$", good.replace("m=19456", "m=")}) {
      assertThatThrownBy(() -> HASHER.verify("correct horse battery", bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("password hash: ").message().doesNotContain("\n");
    }
  }

  @Test
  void storedParametersBeyondTheBoundsAreRefusedBeforeAnyWork() {
    String good = HASHER.hash("correct horse battery");
    long before = HASHER.computed();
    assertThatThrownBy(() -> HASHER.verify("correct horse battery", good.replace("m=19456", "m=1048577")))
        .hasMessage("password hash: argon2id memory 1048577 KiB is not within 8..1048576 KiB (1 GiB)");
    assertThatThrownBy(() -> HASHER.verify("correct horse battery", good.replace("m=19456", "m=9999999999")))
        .hasMessage("password hash: a parameter is out of range");
    assertThatThrownBy(() -> HASHER.verify("correct horse battery", good.replace("t=2", "t=11")))
        .hasMessage("password hash: argon2id iterations 11 is not within 1..10");
    assertThatThrownBy(() -> HASHER.verify("correct horse battery", good.replace("p=1", "p=17")))
        .hasMessage("password hash: argon2id parallelism 17 is not within 1..16");
    assertThatThrownBy(() -> HASHER.verify("correct horse battery", good.replace("t=2", "t=0")))
        .hasMessageContaining("iterations 0");
    assertThat(HASHER.computed()).isEqualTo(before);
  }

  @Test
  void parametersMayBeRaisedButNotLoweredBelowOwasp() {
    assertThatThrownBy(() -> new PasswordHasher(new PasswordHasher.Parameters(4096, 2, 1)))
        .hasMessageContaining("below OWASP's minimum");
    PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Parameters(47104, 1, 1));
    String old = HASHER.hash("correct horse battery");
    assertThat(stronger.verify("correct horse battery", old)).as("the parameters are read from the string").isTrue();
    assertThat(stronger.needsRehash(old)).isTrue();
    assertThat(HASHER.needsRehash(old)).isFalse();
  }

  @Test
  void newPasswordsAreTwelveTo1024CharactersAndTheMessageNeverHoldsThem() {
    assertThatThrownBy(() -> HASHER.hash("elevenchars")).hasMessage("the password has 11 characters, fewer than 12");
    assertThatThrownBy(() -> HASHER.hash("x".repeat(1025))).hasMessage("the password has 1025 characters, more than 1024");
    // characters, not UTF-16 units: twelve emoji are twelve characters
    assertThat(HASHER.verify("\uD83D\uDD12".repeat(12), HASHER.hash("\uD83D\uDD12".repeat(12)))).isTrue();
    String longest = HASHER.hash("y".repeat(1024));
    assertThat(HASHER.verify("y".repeat(1024), longest)).isTrue();
    long before = HASHER.computed();
    assertThat(HASHER.verify("y".repeat(1025), longest)).isFalse();
    assertThat(HASHER.computed()).as("an over-long password costs no hash").isEqualTo(before);
  }

  @Test
  void theSameTextInAnotherUnicodeFormMatches() {
    // U+212B ANGSTROM SIGN and U+00C5 are one letter in NFKC; so are a precomposed and a combining é
    String hash = HASHER.hash("\u212Bngstr\u00F6m-passphrase");
    assertThat(HASHER.verify("\u00C5ngstro\u0308m-passphrase", hash)).isTrue();
  }
}
