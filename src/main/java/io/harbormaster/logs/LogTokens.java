package io.harbormaster.logs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The paging tokens of the log store. GetLogEvents' are shaped like CloudWatch's: {@code f/} and
 * {@code b/} and digits, a forward token naming the position after which the next page starts and a
 * backward one the position before which the previous page ends; a page with nothing new gives the
 * token it was asked with back, which is how the AWS CLI knows it reached the end. The other
 * operations' tokens are opaque. None carries an account: every query is bound to the caller's.
 */
public final class LogTokens {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private LogTokens() {}

  /** Which way a GetLogEvents token pages. */
  public enum Direction {
    FORWARD,
    BACKWARD
  }

  /** A decoded GetLogEvents token. */
  public record StreamToken(Direction direction, EventPosition position) {
    public String encode() {
      String prefix =
          switch (direction) {
            case FORWARD -> "f/";
            case BACKWARD -> "b/";
          };
      // ordinal + 1: the position before a timestamp's first event has ordinal -1
      return prefix
          + String.format("%020d%010d", position.eventNs(), (long) position.ordinal() + 1);
    }
  }

  public static StreamToken forward(EventPosition after) {
    return new StreamToken(Direction.FORWARD, after);
  }

  public static StreamToken backward(EventPosition before) {
    return new StreamToken(Direction.BACKWARD, before);
  }

  /**
   * @throws LogsException InvalidParameterException for a token this store did not make
   */
  public static StreamToken decodeStreamToken(String token) {
    if (token == null
        || token.length() != 32
        || !(token.startsWith("f/") || token.startsWith("b/"))
        || !token.substring(2).chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    }
    try {
      long ns = Long.parseLong(token.substring(2, 22));
      long ordinal = Long.parseLong(token.substring(22)) - 1;
      if (ordinal > Integer.MAX_VALUE) throw new NumberFormatException();
      return new StreamToken(
          token.charAt(0) == 'f' ? Direction.FORWARD : Direction.BACKWARD,
          new EventPosition(ns, (int) ordinal));
    } catch (NumberFormatException e) {
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    }
  }

  /** A name to continue after (DescribeLogGroups, DescribeLogStreams by name). */
  public static String afterName(String name) {
    return ENCODER.encodeToString(("n:" + name).getBytes(StandardCharsets.UTF_8));
  }

  public static String decodeAfterName(String token) {
    String text = decode(token);
    if (!text.startsWith("n:"))
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    return text.substring(2);
  }

  /**
   * FilterLogEvents: the last event returned, by (position, stream); the next page starts after it.
   */
  public record FilterToken(EventPosition position, String stream) {
    public String encode() {
      return ENCODER.encodeToString(
          ("e:" + position.eventNs() + ":" + position.ordinal() + ":" + stream)
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  public static FilterToken decodeFilterToken(String token) {
    String text = decode(token);
    String[] parts = text.split(":", 4);
    if (parts.length != 4 || !parts[0].equals("e")) {
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    }
    try {
      return new FilterToken(
          new EventPosition(Long.parseLong(parts[1]), Integer.parseInt(parts[2])), parts[3]);
    } catch (NumberFormatException e) {
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    }
  }

  private static String decode(String token) {
    try {
      return new String(DECODER.decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw LogsException.invalidParameter("The specified nextToken is invalid.");
    }
  }
}
