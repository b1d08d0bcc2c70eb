package io.harbormaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The credentials `up` writes (export NAME=value lines), with the process's AWS_* variables taking
 * precedence.
 */
final class EnvFile {
  private EnvFile() {}

  static Map<String, String> credentials(Path file) throws IOException {
    Map<String, String> out = new HashMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("export ") && line.contains("=")) {
          String kv = line.substring("export ".length());
          out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
    }
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("AWS_") || k.equals("HARBORMASTER_ENDPOINT")) out.put(k, v);
            });
    return out;
  }
}
