package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.harbormaster.common.EcsException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The naming rules ECS enforces beyond what its API model says. Errors follow ECS: task definition
 * problems are {@code ClientException} (ECS says "Family contains invalid characters."), other
 * parameters {@code InvalidParameterException}.
 */
public final class EcsNames {

  public static final int MAX_NAME_LENGTH = 255;
  public static final int MAX_TAGS = 50;
  public static final int MAX_TAG_KEY_LENGTH = 128;
  public static final int MAX_TAG_VALUE_LENGTH = 256;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_NAME_LENGTH + "}");

  /** From the model's TagKey/TagValue shapes: letters, spaces, numbers and _ . : / = + - @. */
  private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private static final String NAME_RULE =
      "up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed";
  private static final String TAG_CHARS_RULE =
      "letters, numbers, spaces and the characters _ . : / = + - @ are allowed";

  /** A tag as ECS stores it; an absent value is the empty string. */
  public record Tag(String key, String value) {}

  private EcsNames() {}

  /**
   * 1 to 255 ASCII letters, digits, underscores and hyphens: the rule for clusters, families,
   * containers.
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * @throws EcsException InvalidParameterException
   */
  public static String requireClusterName(String name) {
    if (!isValidName(name)) {
      throw EcsException.invalidParameter(
          "Invalid cluster name " + quote(name) + ": " + NAME_RULE + ".");
    }
    return name;
  }

  /**
   * @throws EcsException ClientException, as RegisterTaskDefinition does
   */
  public static String requireFamily(String family) {
    if (family == null || family.isEmpty()) {
      throw EcsException.clientException("Family can not be blank.");
    }
    if (!isValidName(family)) {
      throw EcsException.clientException(
          "Family contains invalid characters: " + quote(family) + "; " + NAME_RULE + ".");
    }
    return family;
  }

  /**
   * @throws EcsException ClientException, as RegisterTaskDefinition does
   */
  public static String requireContainerName(String name) {
    if (name == null || name.isEmpty()) {
      throw EcsException.clientException("Container.name should not be null or empty.");
    }
    if (!isValidName(name)) {
      throw EcsException.clientException(
          "Container.name contains invalid characters: " + quote(name) + "; " + NAME_RULE + ".");
    }
    return name;
  }

  /**
   * Checks one tag. Keys starting with {@code aws:} in any case are reserved for AWS.
   *
   * @param value may be null, meaning the empty value
   * @throws EcsException InvalidParameterException
   */
  public static Tag requireTag(String key, String value) {
    if (key == null || key.isEmpty()) {
      throw EcsException.invalidParameter(
          "Tag keys must be 1 to " + MAX_TAG_KEY_LENGTH + " characters long.");
    }
    String val = value == null ? "" : value;
    if (length(key) > MAX_TAG_KEY_LENGTH) {
      throw EcsException.invalidParameter(
          "Tag key " + quote(key) + " is longer than " + MAX_TAG_KEY_LENGTH + " characters.");
    }
    if (length(val) > MAX_TAG_VALUE_LENGTH) {
      throw EcsException.invalidParameter(
          "The value of tag "
              + quote(key)
              + " is longer than "
              + MAX_TAG_VALUE_LENGTH
              + " characters.");
    }
    if (!TAG_CHARS.matcher(key).matches()) {
      throw EcsException.invalidParameter(
          "Tag key " + quote(key) + " contains invalid characters; " + TAG_CHARS_RULE + ".");
    }
    if (!TAG_CHARS.matcher(val).matches()) {
      throw EcsException.invalidParameter(
          "The value of tag "
              + quote(key)
              + " contains invalid characters; "
              + TAG_CHARS_RULE
              + ".");
    }
    if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
      throw EcsException.invalidParameter(
          "Tag key " + quote(key) + " uses the reserved prefix aws:.");
    }
    return new Tag(key, val);
  }

  /**
   * Checks a request's {@code tags} list ({@code [{"key":..,"value":..}]}), absent meaning none. A
   * request may not set a key twice, since a resource holds one value per key. Whether the
   * resource's total stays within {@link #MAX_TAGS} is for the caller, which knows the existing
   * tags.
   *
   * @throws EcsException InvalidParameterException
   */
  public static List<Tag> requireTags(JsonNode tags) {
    if (tags == null || tags.isNull() || tags.isMissingNode()) {
      return List.of();
    }
    if (!tags.isArray()) {
      throw EcsException.invalidParameter(
          "tags must be a list of {\"key\": ..., \"value\": ...} objects.");
    }
    if (tags.size() > MAX_TAGS) {
      throw EcsException.invalidParameter(
          "Too many tags: " + tags.size() + "; a resource can have at most " + MAX_TAGS + ".");
    }
    List<Tag> result = new ArrayList<>(tags.size());
    Set<String> keys = new HashSet<>();
    for (JsonNode tag : tags) {
      if (!tag.isObject()) {
        throw EcsException.invalidParameter("Each tag must be an object with a key and a value.");
      }
      Tag checked = requireTag(text(tag, "key"), text(tag, "value"));
      if (!keys.add(checked.key())) {
        throw EcsException.invalidParameter("Duplicate tag key " + quote(checked.key()) + ".");
      }
      result.add(checked);
    }
    return List.copyOf(result);
  }

  private static String text(JsonNode tag, String field) {
    JsonNode value = tag.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw EcsException.invalidParameter("Tag " + field + "s must be strings.");
    }
    return value.textValue();
  }

  /** ECS counts characters (code points), not UTF-16 units. */
  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String quote(String s) {
    return s == null ? "null" : EcsApiModel.describe(TextNode.valueOf(s));
  }
}
