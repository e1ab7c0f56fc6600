package com.trending.common;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.RemoveFile;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.GenericRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.internal.util.VectorUtils;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * A Delta Lake table, committed with Delta Kernel: the Parquet files are written by someone else
 * (Beam's ParquetIO on the workers, or the Gold writer) and each commit adds them to {@code
 * <table>/_delta_log} in one transaction that delta-spark, Trino, DuckDB and every other Delta
 * reader honour.
 *
 * <ul>
 *   <li>The table is created on first use with the schema of its Avro file schema (Spark types:
 *       string, int, long, float, double, timestamp) and, for Silver, the partition column {@code
 *       event_date} (a date, its values in the log as Delta expects).
 *   <li>{@link #append} carries Delta's transaction identifier {@code (appId, version)}: Kernel
 *       refuses a second commit of the same or an older version, so a batch re-committed after a
 *       crash is never in the table twice.
 *   <li>{@link #replace} removes the live files that are not in the new set and adds the new set's
 *       files that are not live, in one commit: files it keeps are not rewritten in the log. Kernel
 *       3.3 has no public API for remove actions; they are built with its internal action classes.
 *   <li>Every {@value #CHECKPOINT_INTERVAL} versions (Delta's default interval, which Kernel
 *       reports) a checkpoint is written, so a reader loads the latest checkpoint plus at most nine
 *       commits however long the table has lived. Kernel's own log cleanup keeps 30 days (Delta's
 *       default {@code logRetentionDuration}, which Kernel 3.3 cannot change), 500,000 commit files
 *       for a Gold table refreshed every 5 s; so after each checkpoint, log files older than the
 *       previous checkpoint and older than {@link #LOG_RETENTION} are deleted as well. Time travel
 *       reaches at least that far back.
 * </ul>
 */
final class DeltaTableLog implements TableLog {
  static final int CHECKPOINT_INTERVAL = 10;
  static final Duration LOG_RETENTION = Duration.ofHours(1);
  private static final String ENGINE_INFO = "trending-lakehouse";

  /** One Kernel engine per store (its Hadoop settings): engines hold no table state. */
  private static final Map<Storage, Engine> ENGINES = new ConcurrentHashMap<>();

  private final Table table;
  private final Engine engine;

  DeltaTableLog(Table table) {
    this.table = table;
    this.engine =
        ENGINES.computeIfAbsent(table.storage(), s -> DefaultEngine.create(s.hadoopConf()));
  }

  @Override
  public List<String> files() {
    Snapshot snapshot = snapshot();
    if (snapshot == null) {
      return List.of();
    }
    List<String> files = new ArrayList<>();
    forEachLiveFile(
        snapshot,
        scanFile -> files.add(fileUri(InternalScanFileUtils.getAddFileStatus(scanFile).getPath())));
    files.sort(null);
    return files;
  }

  /** The latest snapshot's version: the log's latest entries, without replaying its files. */
  @Override
  public long version() {
    Snapshot snapshot = snapshot();
    return snapshot == null ? -1 : snapshot.getVersion(engine);
  }

  @Override
  public boolean append(String appId, long version, List<String> files) {
    if (files.isEmpty()) {
      return true;
    }
    Transaction txn;
    try {
      txn = transaction(snapshot()).withTransactionId(engine, appId, version).build(engine);
    } catch (ConcurrentTransactionException e) {
      return false; // this (appId, version) or a later one is already in the log
    }
    Row state = txn.getTransactionState(engine);
    List<Row> actions = new ArrayList<>();
    byPartition(files)
        .forEach((partition, inPartition) -> addActions(state, partition, inPartition, actions));
    commit(txn, actions);
    return true;
  }

  @Override
  public void replace(List<String> files) {
    Snapshot snapshot = snapshot();
    Transaction txn = transaction(snapshot).build(engine);
    List<Row> actions = new ArrayList<>();
    Set<String> kept = new HashSet<>();
    if (snapshot != null) {
      Set<String> wanted = new HashSet<>(files);
      long now = System.currentTimeMillis();
      forEachLiveFile(
          snapshot,
          scanFile -> {
            Row add = scanFile.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
            String file = fileUri(InternalScanFileUtils.getAddFileStatus(scanFile).getPath());
            if (wanted.contains(file)) {
              kept.add(file);
              return;
            }
            actions.add(
                removeAction(
                    add.getString(add.getSchema().indexOf("path")),
                    InternalScanFileUtils.getPartitionValues(scanFile),
                    add.getLong(add.getSchema().indexOf("size")),
                    now));
          });
    }
    Row state = txn.getTransactionState(engine);
    List<String> added = files.stream().filter(f -> !kept.contains(f)).toList();
    byPartition(added)
        .forEach((partition, inPartition) -> addActions(state, partition, inPartition, actions));
    commit(txn, actions);
  }

  @Override
  public void create() {
    if (snapshot() == null) {
      commit(transaction(null).build(engine), List.of());
    }
  }

  /**
   * A transaction on the table as {@code current} shows it; the first one ({@code current} null)
   * creates the table with its schema and partition column.
   */
  private TransactionBuilder transaction(Snapshot current) {
    boolean exists = current != null;
    TransactionBuilder builder =
        io.delta.kernel.Table.forPath(engine, table.dir())
            .createTransactionBuilder(
                engine, ENGINE_INFO, exists ? Operation.WRITE : Operation.CREATE_TABLE);
    if (!exists) {
      builder =
          builder
              .withSchema(
                  engine, schema(Schemas.avro(table.schemaName()), table.partitionedByEventDate()))
              .withPartitionColumns(
                  engine,
                  table.partitionedByEventDate() ? List.of(Table.PARTITION_COLUMN) : List.of());
    }
    return builder;
  }

  private void commit(Transaction txn, List<Row> actions) {
    TransactionCommitResult result =
        txn.commit(
            engine,
            CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(actions.iterator())));
    long version = result.getVersion();
    if (result.isReadyForCheckpoint()) {
      try {
        io.delta.kernel.Table.forPath(engine, table.dir()).checkpoint(engine, version);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      expireLog(version - CHECKPOINT_INTERVAL);
    }
  }

  /** Deletes log files of versions before {@code keepFrom} that are older than the retention. */
  private void expireLog(long keepFrom) {
    long cutoff = System.currentTimeMillis() - LOG_RETENTION.toMillis();
    for (Storage.Entry f : table.storage().list(table.child("_delta_log"))) {
      String name = f.name();
      int dot = name.indexOf('.');
      if (dot != 20 || !name.substring(0, 20).chars().allMatch(Character::isDigit)) {
        continue; // _last_checkpoint, temporary files
      }
      if (Long.parseLong(name.substring(0, 20)) < keepFrom && f.modifiedMillis() < cutoff) {
        table.storage().delete(f.location());
      }
    }
  }

  /**
   * A file as Kernel names it, a Hadoop path string ({@code file:/data/lake house/…}, unescaped),
   * as the URI every {@link TableLog} hands out ({@code file:/data/lake%20house/…}).
   */
  private static String fileUri(String kernelPath) {
    return new org.apache.hadoop.fs.Path(kernelPath).toUri().toString();
  }

  private Snapshot snapshot() {
    try {
      return io.delta.kernel.Table.forPath(engine, table.dir()).getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      return null;
    }
  }

  private void forEachLiveFile(Snapshot snapshot, Consumer<Row> action) {
    try (CloseableIterator<FilteredColumnarBatch> batches =
        snapshot.getScanBuilder(engine).build().getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          rows.forEachRemaining(action);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void addActions(Row state, String partition, List<String> files, List<Row> actions) {
    Map<String, Literal> values =
        partition.isEmpty()
            ? Map.of()
            : Map.of(
                Table.PARTITION_COLUMN,
                Literal.ofDate((int) LocalDate.parse(partition).toEpochDay()));
    DataWriteContext context = Transaction.getWriteContext(engine, state, values);
    List<DataFileStatus> statuses = new ArrayList<>();
    for (String file : files) {
      Storage.Entry stat = table.storage().stat(table.storage().location(file));
      if (stat == null) {
        throw new UncheckedIOException(
            new FileNotFoundException("Cannot commit " + file + ": it does not exist"));
      }
      // Kernel wants a Hadoop path string (file:/data/lake house/…), which it parses and makes
      // relative to the table; given the URI, it would escape its escapes (lake%2520house).
      statuses.add(
          new DataFileStatus(
              CommittedFiles.hadoopPath(file).toString(),
              stat.size(),
              stat.modifiedMillis(),
              Optional.empty()));
    }
    try (CloseableIterator<Row> adds =
        Transaction.generateAppendActions(
            engine, state, Utils.toCloseableIterator(statuses.iterator()), context)) {
      adds.forEachRemaining(actions::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files grouped by their {@code event_date=YYYY-MM-DD} folder's date ("" when unpartitioned). */
  private Map<String, List<String>> byPartition(List<String> files) {
    Map<String, List<String>> groups = new TreeMap<>();
    String prefix = Table.PARTITION_COLUMN + "=";
    for (String file : files) {
      String partition = "";
      if (table.partitionedByEventDate()) {
        String folder = CommittedFiles.hadoopPath(file).getParent().getName();
        if (!folder.startsWith(prefix)) {
          throw new IllegalArgumentException(
              file + " is not in an " + prefix + "YYYY-MM-DD folder");
        }
        partition = folder.substring(prefix.length());
      }
      groups.computeIfAbsent(partition, p -> new ArrayList<>()).add(file);
    }
    return groups;
  }

  private static Row removeAction(
      String path, Map<String, String> partitionValues, long size, long when) {
    StructType schema = RemoveFile.FULL_SCHEMA;
    Map<Integer, Object> values = new HashMap<>();
    values.put(schema.indexOf("path"), path);
    values.put(schema.indexOf("deletionTimestamp"), when);
    values.put(schema.indexOf("dataChange"), true);
    values.put(schema.indexOf("extendedFileMetadata"), true);
    values.put(
        schema.indexOf("partitionValues"), VectorUtils.stringStringMapValue(partitionValues));
    values.put(schema.indexOf("size"), size);
    return SingleAction.createRemoveFileSingleAction(new GenericRow(schema, values));
  }

  /** The Delta schema of a table whose files follow {@code avro}, plus the partition column. */
  static StructType schema(Schema avro, boolean partitionedByEventDate) {
    StructType schema = new StructType();
    for (Schema.Field field : avro.getFields()) {
      Schema type = field.schema();
      boolean nullable = false;
      if (type.getType() == Schema.Type.UNION) {
        nullable = true;
        type =
            type.getTypes().stream()
                .filter(t -> t.getType() != Schema.Type.NULL)
                .findFirst()
                .orElseThrow();
      }
      schema = schema.add(field.name(), deltaType(field.name(), type), nullable);
    }
    if (partitionedByEventDate) {
      schema = schema.add(Table.PARTITION_COLUMN, DateType.DATE, true);
    }
    return schema;
  }

  private static DataType deltaType(String name, Schema type) {
    if (type.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
      return TimestampType.TIMESTAMP;
    }
    return switch (type.getType()) {
      case STRING -> StringType.STRING;
      case INT -> IntegerType.INTEGER;
      case LONG -> LongType.LONG;
      case FLOAT -> FloatType.FLOAT;
      case DOUBLE -> DoubleType.DOUBLE;
      default ->
          throw new IllegalArgumentException(
              "No Delta type for column " + name + " (" + type + ")");
    };
  }
}
