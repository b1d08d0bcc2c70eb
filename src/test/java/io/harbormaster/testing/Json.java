package io.harbormaster.testing;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON in tests: one plain mapper to build, write and compare trees with, and parsing of JSON
 * written inline in a test, which fails with the text it could not read.
 */
public final class Json {
  private Json() {}

  /** Jackson's defaults; configured once here and never changed, so every test may share it. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final ObjectMapper SINGLE_QUOTES =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

  /** The tree of {@code text}, which is JSON. */
  public static JsonNode json(String text) {
    return read(JSON, text);
  }

  /**
   * The tree of {@code text}, JSON that may quote with {@code '} instead of {@code "}: readable in
   * a Java string.
   */
  public static JsonNode singleQuoted(String text) {
    return read(SINGLE_QUOTES, text);
  }

  private static JsonNode read(ObjectMapper mapper, String text) {
    try {
      return mapper.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
