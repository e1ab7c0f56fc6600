package com.trending.silver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets this lakehouse holds, kept next to the data in
 * {@code _checkpoints/kafka-to-silver/<group>/}:
 *
 * <ul>
 *   <li>{@code offsets.json}: per partition, the next offset to read; written (atomically) only
 *       after a batch's files are all in place.
 *   <li>{@code pending.json}: the batch being written. If a run dies, the next start finds it and
 *       deletes that batch's files (all named after its run id), so a batch is either wholly in
 *       Silver with its offsets committed, or not there at all.
 *   <li>{@code .lock}: one ingestion job per lakehouse and group at a time.
 * </ul>
 */
final class OffsetLedger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private OffsetLedger(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static OffsetLedger open(Path dir) {
    try {
      Files.createDirectories(dir);
      FileChannel channel =
          FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new IllegalArgumentException(
            "Another kafka-to-silver job is already writing this lakehouse for this consumer group"
                + " (lock " + dir.resolve(".lock") + "). Stop it first, or use another"
                + " LAKEHOUSE_PATH or KAFKA_GROUP_ID.");
      }
      return new OffsetLedger(dir, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed offsets, empty when this lakehouse has never ingested for the group. */
  Map<TopicPartition, Long> offsets() {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    JsonNode root = read("offsets.json");
    if (root != null) {
      root.get("offsets").fields().forEachRemaining(topic ->
          topic.getValue().fields().forEachRemaining(p ->
              offsets.put(
                  new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())),
                  p.getValue().asLong())));
    }
    return offsets;
  }

  /** The number of the last committed batch, 0 if none. */
  long lastBatch() {
    JsonNode root = read("offsets.json");
    return root == null ? 0 : root.get("batch").asLong();
  }

  /** Records that {@code plan} is about to write its files. */
  void begin(BatchPlan plan) {
    ObjectNode pending = JSON.createObjectNode();
    pending.put("batch", plan.batch());
    pending.put("run_id", plan.runId());
    pending.put("started_at", Instant.now().toString());
    write("pending.json", pending);
  }

  /** Records that every file of {@code plan} is in place: its end offsets become the committed ones. */
  void commit(BatchPlan plan) {
    Map<TopicPartition, Long> offsets = offsets();
    offsets.putAll(plan.to());
    ObjectNode root = JSON.createObjectNode();
    root.put("batch", plan.batch());
    root.put("committed_at", Instant.now().toString());
    ObjectNode byTopic = root.putObject("offsets");
    offsets.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
            .thenComparing(e -> e.getKey().partition()))
        .forEach(e -> {
          ObjectNode topic = byTopic.has(e.getKey().topic())
              ? (ObjectNode) byTopic.get(e.getKey().topic())
              : byTopic.putObject(e.getKey().topic());
          topic.put(Integer.toString(e.getKey().partition()), e.getValue());
        });
    write("offsets.json", root);
    delete(dir.resolve("pending.json"));
  }

  /**
   * Removes what an unfinished batch left in {@code tables}: its files and Beam's temporary
   * folders. Returns how many files were removed.
   */
  int recover(List<Path> tables) {
    JsonNode pending = read("pending.json");
    if (pending == null) {
      return 0;
    }
    long batch = pending.get("batch").asLong();
    if (batch <= lastBatch()) { // died after committing, before cleaning up
      delete(dir.resolve("pending.json"));
      return 0;
    }
    String prefix = WriteParquetTable.filePrefix(pending.get("run_id").asText());
    int removed = 0;
    for (Path table : tables) {
      if (!Files.isDirectory(table)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(table)) {
        List<Path> doomed = files
            .filter(f -> f.getFileName().toString().startsWith(prefix)
                || f.getFileName().toString().startsWith(".temp-beam"))
            .sorted(Comparator.reverseOrder())
            .toList();
        for (Path f : doomed) {
          if (Files.isDirectory(f)) {
            deleteTree(f);
          } else if (Files.exists(f)) {
            delete(f);
            removed++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    LOG.warn("Rolled back unfinished batch {} (run {}): removed {} files; its messages will be read again.",
        batch, pending.get("run_id").asText(), removed);
    delete(dir.resolve("pending.json"));
    return removed;
  }

  private JsonNode read(String name) {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void write(String name, JsonNode content) {
    try {
      Path tmp = dir.resolve("." + name + ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      Iterator<Path> it = all.sorted(Comparator.reverseOrder()).iterator();
      while (it.hasNext()) {
        Files.deleteIfExists(it.next());
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Could not release {}", dir.resolve(".lock"), e);
    }
  }
}
