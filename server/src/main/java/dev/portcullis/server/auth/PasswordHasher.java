package dev.portcullis.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes with Argon2id, written as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, base64 without padding): a 16-byte random
 * salt and a 32-byte hash. {@link #verify} takes the parameters from the string, so they can be
 * raised later without invalidating stored hashes ({@link #needsRehash} says when to re-hash), but
 * refuses strings that would cost more than {@link #MAX_MEMORY_KIB} or {@link #MAX_ITERATIONS}.
 * Passwords are compared as their NFKC normal form in UTF-8 (NIST SP 800-63B), so the same text typed
 * on another keyboard matches. Thread-safe; at most a few hashes run at once, so concurrent logins
 * cannot claim unbounded memory.
 */
public final class PasswordHasher {
  /** The fewest characters a new password has. */
  public static final int MIN_PASSWORD_LENGTH = 12;
  /** The most characters a new password has (the hash's input is bounded too). */
  public static final int MAX_PASSWORD_LENGTH = 1024;
  /** The most memory a stored hash may ask for: 1 GiB. */
  public static final int MAX_MEMORY_KIB = 1024 * 1024;
  /** The most passes a stored hash may ask for. */
  public static final int MAX_ITERATIONS = 10;
  /** The most lanes a stored hash may ask for. */
  public static final int MAX_PARALLELISM = 16;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,10})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  /**
   * Argon2id's cost: memory in KiB, passes and lanes.
   *
   * @param memoryKiB at least 8 per lane, at most {@link #MAX_MEMORY_KIB}
   */
  public record Parameters(int memoryKiB, int iterations, int parallelism) {
    /** OWASP's Password Storage Cheat Sheet minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
    public static final Parameters OWASP_MINIMUM = new Parameters(19456, 2, 1);

    public Parameters {
      if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
        throw new IllegalArgumentException("argon2id parallelism " + parallelism + " is not within 1.." + MAX_PARALLELISM);
      }
      if (iterations < 1 || iterations > MAX_ITERATIONS) {
        throw new IllegalArgumentException("argon2id iterations " + iterations + " is not within 1.." + MAX_ITERATIONS);
      }
      if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException("argon2id memory " + memoryKiB + " KiB is not within " + 8 * parallelism + ".."
            + MAX_MEMORY_KIB + " KiB (1 GiB)");
      }
    }

    /** Whether the cost is at least OWASP's: 7 MiB or more, and memory × passes at least that of one of its equivalent settings. */
    public boolean atLeastOwaspMinimum() {
      // OWASP lists m=47104/t=1 ... m=7168/t=5 as equivalent; m×t ≥ 7168×5 covers all of them
      return memoryKiB >= 7168 && (long) memoryKiB * iterations >= 7168L * 5;
    }

    @Override
    public String toString() {
      return "m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism;
    }
  }

  private final Parameters parameters;
  private final SecureRandom random = new SecureRandom();
  private final Semaphore running = new Semaphore(Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
  private final AtomicLong computed = new AtomicLong();

  /** Hashes with {@link Parameters#OWASP_MINIMUM}. */
  public PasswordHasher() {
    this(Parameters.OWASP_MINIMUM);
  }

  /** Hashes new passwords with {@code parameters}; @throws IllegalArgumentException when they are below OWASP's minimum */
  public PasswordHasher(Parameters parameters) {
    this(parameters, true);
  }

  private PasswordHasher(Parameters parameters, boolean checked) {
    if (checked && !parameters.atLeastOwaspMinimum()) {
      throw new IllegalArgumentException("argon2id " + parameters + " is below OWASP's minimum (m=19456,t=2,p=1 or an equivalent)");
    }
    this.parameters = parameters;
  }

  /** A hasher that skips the OWASP check: for tests of what uses hashes, never for real passwords. */
  static PasswordHasher uncheckedForTests(Parameters parameters) {
    return new PasswordHasher(parameters, false);
  }

  public Parameters parameters() {
    return parameters;
  }

  /**
   * Checks a new password's length: {@link #MIN_PASSWORD_LENGTH} to {@link #MAX_PASSWORD_LENGTH}
   * characters. @throws IllegalArgumentException saying which bound (never the password)
   */
  public static void checkNewPassword(String password) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_PASSWORD_LENGTH) {
      throw new IllegalArgumentException("the password has " + length + " characters, fewer than " + MIN_PASSWORD_LENGTH);
    }
    if (length > MAX_PASSWORD_LENGTH) {
      throw new IllegalArgumentException("the password has " + length + " characters, more than " + MAX_PASSWORD_LENGTH);
    }
  }

  /** The PHC string of a new password with a fresh salt. @throws IllegalArgumentException if {@link #checkNewPassword} refuses it */
  public String hash(String password) {
    checkNewPassword(password);
    return rehash(password);
  }

  /** The PHC string of a password that already matched a stored hash, with this hasher's parameters (no length rule). */
  String rehash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = argon2(password, salt, parameters, HASH_BYTES);
    return "$argon2id$v=19$" + parameters + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /**
   * Whether {@code password} is the one {@code encoded} was made from, compared in constant time.
   * A password longer than {@link #MAX_PASSWORD_LENGTH} never matches (and costs no hash).
   *
   * @throws IllegalArgumentException when {@code encoded} is not an Argon2id PHC string or asks for more than the limits
   */
  public boolean verify(String password, String encoded) {
    Stored stored = parse(encoded);
    if (password.length() > 2 * MAX_PASSWORD_LENGTH || password.codePointCount(0, password.length()) > MAX_PASSWORD_LENGTH) {
      return false;
    }
    byte[] actual = argon2(password, stored.salt, stored.parameters, stored.hash.length);
    return MessageDigest.isEqual(actual, stored.hash);
  }

  /** Whether {@code encoded} was made with other parameters than this hasher's (a successful login then stores a new hash). */
  public boolean needsRehash(String encoded) {
    Stored stored = parse(encoded);
    return !stored.parameters.equals(parameters) || stored.salt.length != SALT_BYTES || stored.hash.length != HASH_BYTES;
  }

  /** How many hashes this hasher computed: what tests compare to prove equal work for every outcome. */
  long computed() {
    return computed.get();
  }

  private record Stored(Parameters parameters, byte[] salt, byte[] hash) {}

  private static Stored parse(String encoded) {
    Matcher m = PHC.matcher(encoded);
    if (encoded.length() > 300 || !m.matches()) {
      throw new IllegalArgumentException("password hash: not an Argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash)");
    }
    Parameters p;
    try {
      p = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("password hash: a parameter is out of range");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("password hash: " + e.getMessage());
    }
    byte[] salt;
    byte[] hash;
    try {
      salt = Base64.getDecoder().decode(m.group(4));
      hash = Base64.getDecoder().decode(m.group(5));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("password hash: salt or hash is not base64");
    }
    if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
      throw new IllegalArgumentException("password hash: salt of " + salt.length + " bytes or hash of " + hash.length
          + " bytes is not within 8..64 and 16..64");
    }
    return new Stored(p, salt, hash);
  }

  private byte[] argon2(String password, byte[] salt, Parameters p, int length) {
    byte[] input = Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism()).withSalt(salt).build());
    byte[] out = new byte[length];
    running.acquireUninterruptibly();
    try {
      generator.generateBytes(input, out);
      computed.incrementAndGet();
    } finally {
      running.release();
      Arrays.fill(input, (byte) 0);
    }
    return out;
  }
}
