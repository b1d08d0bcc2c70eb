package io.harbormaster.scheduler.strategy;

/** Normalisation of raw measures to 0–100 scores. */
final class Scores {

  static final double MAX = 100.0;

  private Scores() {}

  /**
   * The smallest raw value scores 100, the largest 0, the rest linearly between; when all are
   * equal, all score 100. Equal raw values always get exactly equal scores, so ties survive
   * normalisation for the next strategy.
   */
  static double[] lowerIsBetter(long[] raw) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long value : raw) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    double[] scores = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      scores[i] = max == min ? MAX : MAX * (max - raw[i]) / (double) (max - min);
    }
    return scores;
  }
}
