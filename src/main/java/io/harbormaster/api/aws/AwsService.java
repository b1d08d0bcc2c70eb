package io.harbormaster.api.aws;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One AWS service on the endpoint: the signing name that routes to it, its API model (read on first
 * use: the models are large and most nodes never see most services), its handlers, and its own name
 * for a request the model refuses.
 */
public final class AwsService {
  private final String signingName;
  private final Supplier<AwsApiModel> model;
  private final String invalidInputCode;
  private final Map<String, AwsOperation> handlers = new TreeMap<>();

  private AwsService(String signingName, Supplier<AwsApiModel> model, String invalidInputCode) {
    this.signingName = signingName;
    this.model = model;
    this.invalidInputCode = invalidInputCode;
  }

  /**
   * @param modelResource the checked-in model on the classpath, e.g. {@code
   *     /aws/logs-service-2.json}
   * @param invalidInputCode the error code the service answers a refused member value with ({@code
   *     InvalidParameterException} for CloudWatch Logs, {@code ValidationError} for ELBv2)
   */
  public static AwsService of(String signingName, String modelResource, String invalidInputCode) {
    return new AwsService(signingName, memoized(modelResource), invalidInputCode);
  }

  private static Supplier<AwsApiModel> memoized(String resource) {
    return new Supplier<>() {
      private volatile AwsApiModel loaded;

      @Override
      public AwsApiModel get() {
        AwsApiModel model = loaded;
        if (model == null) {
          synchronized (this) {
            if (loaded == null) loaded = AwsApiModel.load(resource);
            model = loaded;
          }
        }
        return model;
      }
    };
  }

  public AwsService register(String operation, AwsOperation handler) {
    if (model().operation(operation).isEmpty()) {
      throw new IllegalArgumentException("not an operation of " + signingName + ": " + operation);
    }
    if (handlers.putIfAbsent(operation, handler) != null) {
      throw new IllegalArgumentException("registered twice: " + signingName + " " + operation);
    }
    return this;
  }

  public String signingName() {
    return signingName;
  }

  public AwsApiModel model() {
    return model.get();
  }

  public String invalidInputCode() {
    return invalidInputCode;
  }

  public Optional<AwsOperation> handler(String operation) {
    return Optional.ofNullable(handlers.get(operation));
  }

  public Set<String> operationNames() {
    return handlers.keySet();
  }
}
