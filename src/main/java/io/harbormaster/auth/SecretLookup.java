package io.harbormaster.auth;

import java.util.Optional;

/** Finds the secret access key for an access key id; empty when the id is unknown. */
@FunctionalInterface
public interface SecretLookup {
  Optional<String> secretFor(String accessKeyId);
}
