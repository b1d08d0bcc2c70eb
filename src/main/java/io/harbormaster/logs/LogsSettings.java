package io.harbormaster.logs;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * harbormaster.logs: the log store's reading and ingestion.
 *
 * @param groupCacheTtl how long ingestion trusts a group it read (its retention, its existence)
 * @param fetchSize rows per Cassandra page when reading events
 * @param filterScanLimit events one FilterLogEvents call reads at most before it answers with a
 *     token to continue
 * @param threads the store's threads, on which its calls wait for Cassandra
 */
public record LogsSettings(
    Duration groupCacheTtl, int fetchSize, int filterScanLimit, int threads) {

  public static LogsSettings from(Config config) {
    Config c = config.getConfig("harbormaster.logs");
    return new LogsSettings(
        c.getDuration("group-cache-ttl"),
        c.getInt("fetch-size"),
        c.getInt("filter-scan-limit"),
        c.getInt("threads"));
  }
}
