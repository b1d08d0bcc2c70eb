package io.harbormaster.api.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.api.aws.AwsApiModel;
import io.harbormaster.common.EcsException;
import java.util.Optional;
import java.util.Set;

/**
 * The Amazon ECS API model ({@code aws/ecs-service-2.json}) with ECS's names for what it refuses:
 * SerializationException for a wrong type, InvalidParameterException for a refused value,
 * UnknownOperationException for an operation the model lacks.
 */
public final class EcsApiModel {
  static final String RESOURCE = "/aws/ecs-service-2.json";

  private final AwsApiModel model;

  private EcsApiModel(AwsApiModel model) {
    this.model = model;
  }

  /** The model, parsed once on first use (it is ~850 KB of JSON). */
  public static EcsApiModel get() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final EcsApiModel INSTANCE = new EcsApiModel(AwsApiModel.load(RESOURCE));
  }

  public AwsApiModel model() {
    return model;
  }

  /** The {@code X-Amz-Target} prefix, {@code AmazonEC2ContainerServiceV20141113}. */
  public String targetPrefix() {
    return model.targetPrefix();
  }

  public Optional<AwsApiModel.Operation> operation(String name) {
    return model.operation(name);
  }

  /** All operation names, sorted. */
  public Set<String> operationNames() {
    return model.operationNames();
  }

  /**
   * Checks a request body against the operation's input shape.
   *
   * @throws EcsException UnknownOperationException, SerializationException or
   *     InvalidParameterException
   */
  public void validateInput(String operation, JsonNode input) {
    if (model.operation(operation).isEmpty()) {
      throw EcsException.unknownOperation("Unknown operation " + operation);
    }
    try {
      model.validateInput(operation, input);
    } catch (AwsApiModel.InvalidRequest e) {
      throw switch (e.kind()) {
        case SERIALIZATION -> EcsException.serialization(e.getMessage());
        case INVALID_VALUE -> EcsException.invalidParameter(e.getMessage());
      };
    }
  }

  /** A short rendering of a JSON value for error messages; never echoes a whole document. */
  static String describe(JsonNode value) {
    return AwsApiModel.describe(value);
  }
}
