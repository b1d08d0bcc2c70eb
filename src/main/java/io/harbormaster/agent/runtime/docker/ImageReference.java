package io.harbormaster.agent.runtime.docker;

/**
 * An image reference split the way the pull endpoint wants it: {@code fromImage} (the repository,
 * with its registry) and {@code tag} (a tag or a digest; {@code latest} when the reference has
 * neither, since an empty tag would pull every tag).
 */
record ImageReference(String repository, String tagOrDigest) {

  static ImageReference parse(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      // repo[:tag]@sha256:... → the digest wins; a tag beside it is dropped
      return new ImageReference(withoutTag(image.substring(0, at)), image.substring(at + 1));
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon > slash) { // a colon before the last slash is a registry port (localhost:5000/app)
      return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
    }
    return new ImageReference(image, "latest");
  }

  private static String withoutTag(String repository) {
    int slash = repository.lastIndexOf('/');
    int colon = repository.lastIndexOf(':');
    return colon > slash ? repository.substring(0, colon) : repository;
  }
}
