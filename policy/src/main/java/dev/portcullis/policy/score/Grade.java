package dev.portcullis.policy.score;

/** The letter of a score: A 90–100, B 80–89, C 70–79, D 50–69, F below 50. */
public enum Grade {
  A,
  B,
  C,
  D,
  F;

  public static Grade of(int score) {
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("a score is 0 to 100, not " + score);
    }
    return score >= 90 ? A : score >= 80 ? B : score >= 70 ? C : score >= 50 ? D : F;
  }
}
