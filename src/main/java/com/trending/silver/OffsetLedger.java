package com.trending.silver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.trending.common.Storage;
import com.trending.common.Table;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets this lakehouse holds, kept next to the data in {@code
 * _checkpoints/kafka-to-silver/<group>/}, and the state of the batch in flight:
 *
 * <ul>
 *   <li>{@code offsets.json}: per partition, the next offset to read; written (atomically) only
 *       after every table has committed the batch's files.
 *   <li>{@code ledger-id}: made once; part of the transaction id of every commit (see {@code
 *       MicroBatches.appId}).
 *   <li>{@code pending.json}: the batch in flight: its number, run id and end offsets from the
 *       start, and, once every file is written, the list of files per table (the manifest). See
 *       {@code MicroBatches} for the recovery this allows.
 * </ul>
 *
 * <p>The ledger does not lock: the job holds the lakehouse's lock (one ingestion job per lakehouse)
 * while it uses it.
 */
final class OffsetLedger {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the names of Beam's temporary files and folders hold (".temp-beam-&lt;uuid&gt;"). */
  private static final String BEAM_TEMP = ".temp-beam";

  private final Storage storage;
  private final String dir;
  private final String id;

  private OffsetLedger(Storage storage, String dir, String id) {
    this.storage = storage;
    this.dir = dir;
    this.id = id;
  }

  /**
   * Opens the ledger in folder {@code dir} (a local path or a Hadoop path, see {@link Storage}),
   * creating it (with a new id, put-if-absent) when there is none.
   */
  static OffsetLedger open(String dir) {
    Storage storage = Storage.forLocation(dir);
    String location = Storage.normalize(dir);
    storage.mkdirs(location);
    String idFile = storage.child(location, "ledger-id");
    storage.createIfAbsent(idFile, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    try {
      return new OffsetLedger(
          storage, location, new String(storage.read(idFile), StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + idFile, e);
    }
  }

  /** The folder the ledger lives in. */
  String dir() {
    return dir;
  }

  /** This ledger's identity: made when it is created, never changed. */
  String id() {
    return id;
  }

  /**
   * A batch that began and did not commit: {@code files} is null while its files were still being
   * written, else the manifest (table folder → files, as URIs) it was committing.
   */
  record Pending(
      long batch, String runId, Map<TopicPartition, Long> to, Map<String, List<String>> files) {}

  /** The committed offsets, empty when this lakehouse has never ingested for the group. */
  Map<TopicPartition, Long> offsets() {
    JsonNode root = read("offsets.json");
    return root == null ? new HashMap<>() : readOffsets(root.get("offsets"));
  }

  private static Map<TopicPartition, Long> readOffsets(JsonNode byTopic) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    byTopic
        .fields()
        .forEachRemaining(
            topic ->
                topic
                    .getValue()
                    .fields()
                    .forEachRemaining(
                        p ->
                            offsets.put(
                                new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())),
                                p.getValue().asLong())));
    return offsets;
  }

  private static void putOffsets(ObjectNode byTopic, Map<TopicPartition, Long> offsets) {
    offsets.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                .thenComparing(e -> e.getKey().partition()))
        .forEach(
            e -> {
              ObjectNode topic =
                  byTopic.has(e.getKey().topic())
                      ? (ObjectNode) byTopic.get(e.getKey().topic())
                      : byTopic.putObject(e.getKey().topic());
              topic.put(Integer.toString(e.getKey().partition()), e.getValue());
            });
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
    putOffsets(pending.putObject("to"), plan.to());
    write("pending.json", pending);
  }

  /**
   * Records that every file of {@code plan} is written: {@code files} per table are to be
   * committed.
   */
  void written(BatchPlan plan, Map<String, List<String>> files) {
    ObjectNode pending = (ObjectNode) read("pending.json");
    ObjectNode manifest = pending.putObject("files");
    // putArray: the key is a property name (withArray would read a leading '/' as a JSON Pointer).
    files.forEach((table, list) -> list.forEach(manifest.putArray(table)::add));
    pending.put("written_at", Instant.now().toString());
    write("pending.json", pending);
  }

  /** The batch in flight, if a run left one. */
  Pending pending() {
    JsonNode node = read("pending.json");
    if (node == null) {
      return null;
    }
    Map<String, List<String>> files = null;
    if (node.has("files")) {
      files = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.get("files").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> table = it.next();
        List<String> list = new ArrayList<>();
        table.getValue().forEach(f -> list.add(f.asText()));
        files.put(table.getKey(), list);
      }
    }
    Map<TopicPartition, Long> to = node.has("to") ? readOffsets(node.get("to")) : Map.of();
    return new Pending(node.get("batch").asLong(), node.get("run_id").asText(), to, files);
  }

  /** Forgets the batch in flight (after it was rolled back). */
  void clearPending() {
    storage.delete(storage.child(dir, "pending.json"));
  }

  /**
   * Records that every file of {@code plan} is in place: its end offsets become the committed ones.
   */
  void commit(BatchPlan plan) {
    Map<TopicPartition, Long> offsets = offsets();
    offsets.putAll(plan.to());
    ObjectNode root = JSON.createObjectNode();
    root.put("batch", plan.batch());
    root.put("committed_at", Instant.now().toString());
    putOffsets(root.putObject("offsets"), offsets);
    write("offsets.json", root);
    storage.delete(storage.child(dir, "pending.json"));
  }

  /**
   * Deletes what a batch that died while writing left in {@code tables}: its files (all named after
   * its run id, never committed) and Beam's temporary folders, which releases that wrote through
   * Beam's {@code FileIO} left (a batch of theirs may be pending). Returns how many files were
   * removed.
   */
  static int deleteRunFiles(String runId, List<Table> tables) {
    String prefix = WriteParquetTables.filePrefix(runId);
    int removed = 0;
    for (Table table : tables) {
      Storage storage = table.storage();
      Set<String> beamTempFolders = new TreeSet<>();
      for (Storage.Entry f : storage.listFiles(table.dir())) {
        String beamTemp = beamTempFolder(table.dir(), f.location());
        if (beamTemp != null) {
          beamTempFolders.add(beamTemp);
        } else if (f.name().startsWith(prefix)) {
          storage.delete(f.location());
          removed++;
        }
      }
      beamTempFolders.forEach(storage::deleteTree);
    }
    return removed;
  }

  /**
   * Deletes Beam's temporary folders directly in {@code folder}, where the write of a batch that
   * died left them in releases that wrote through Beam's {@code FileIO}.
   */
  static void deleteBeamTempFolders(Storage storage, String folder) {
    for (Storage.Entry entry : storage.list(folder)) {
      if (entry.isDirectory() && entry.name().startsWith(BEAM_TEMP)) {
        storage.deleteTree(entry.location());
      }
    }
  }

  /**
   * The temporary folder of Beam's that the file {@code location} in table folder {@code dir} lies
   * in: {@code dir} followed by the path below it up to the end of the first name holding {@value
   * #BEAM_TEMP} (that name may be the file's own); null if no name below {@code dir} holds it. A
   * '/' or a backslash ends a name.
   */
  static String beamTempFolder(String dir, String location) {
    String below = location.substring(Math.min(location.length(), dir.length()));
    int marker = below.indexOf(BEAM_TEMP);
    if (marker < 0) {
      return null;
    }
    int end = marker;
    while (end < below.length() && below.charAt(end) != '/' && below.charAt(end) != '\\') {
      end++;
    }
    return dir + below.substring(0, end);
  }

  private JsonNode read(String name) {
    String file = storage.child(dir, name);
    try {
      return JSON.readTree(storage.read(file));
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the file {@code name} with {@code content}, atomically (see {@link Storage#replace}).
   */
  private void write(String name, JsonNode content) {
    try {
      storage.replace(
          storage.child(dir, name),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
