package com.trending.common;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer job of a kind per lakehouse, held in {@code _checkpoints/<job>.lock}, whose text names
 * the holder for the error the next job prints.
 *
 * <ul>
 *   <li>Local disk: an OS file lock, released when the job ends, is killed or its machine dies (the
 *       lock is the process's, not the file's).
 *   <li>HDFS and S3 have no such lock; the file is a lease. The job creates it (put-if-absent, so
 *       of two starting jobs one wins) and rewrites it every {@link #RENEW_EVERY} while it runs; it
 *       deletes it when it ends. A job that finds the file watches it for {@link #STALE_AFTER}: if
 *       it is rewritten meanwhile its holder is alive and the job fails; if not, the holder died
 *       and the job takes the lock over. Only the file's own changes are compared, never clocks of
 *       different machines. The commit logs do not rely on the lease alone: their commits are
 *       put-if-absent, so a holder paused past its lease cannot commit a batch id another job has
 *       committed.
 * </ul>
 */
public final class LakehouseLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LakehouseLock.class);
  static final Duration RENEW_EVERY = Duration.ofSeconds(5);
  static final Duration STALE_AFTER = Duration.ofSeconds(20);

  private final AutoCloseable release;

  private LakehouseLock(AutoCloseable release) {
    this.release = release;
  }

  /**
   * Takes the lock of {@code job} on the lakehouse, or fails with {@link IllegalArgumentException}
   * naming the job that holds it.
   */
  static LakehouseLock acquire(Lakehouse lakehouse, String job) {
    Storage storage = lakehouse.storage();
    String file = storage.child(storage.child(lakehouse.root(), "_checkpoints"), job + ".lock");
    String holder =
        "process " + ManagementFactory.getRuntimeMXBean().getName() + " since " + Instant.now();
    return storage.kind() == Storage.Kind.LOCAL
        ? osLock(lakehouse, job, Path.of(file), holder)
        : lease(lakehouse, job, file, holder);
  }

  private static LakehouseLock osLock(Lakehouse lakehouse, String job, Path file, String holder) {
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this JVM
      }
      if (lock == null) {
        String other = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        channel.close();
        throw held(lakehouse, job, other, file.toString());
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      FileLock held = lock;
      return new LakehouseLock(
          () -> {
            held.release();
            channel.close();
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
  }

  private static LakehouseLock lease(Lakehouse lakehouse, String job, String file, String holder) {
    Storage storage = lakehouse.storage();
    String token = holder + " (lease " + UUID.randomUUID() + ")";
    while (!storage.createIfAbsent(file, bytes(token, 0))) {
      String seen = text(storage, file);
      long deadline = System.nanoTime() + STALE_AFTER.toNanos();
      LOG.info(
          "{} is held ({}); waiting up to {} s to see whether its holder still renews it",
          file,
          seen,
          STALE_AFTER.toSeconds());
      while (System.nanoTime() < deadline) {
        sleep(Duration.ofMillis(500));
        String now = text(storage, file);
        if (now != null && !now.equals(seen)) {
          throw held(lakehouse, job, now.substring(0, now.lastIndexOf('\n') + 1).trim(), file);
        }
        if (now == null) {
          break; // released meanwhile
        }
      }
      if (seen != null && seen.equals(text(storage, file))) {
        LOG.warn(
            "{} was not renewed for {} s: its holder ({}) is gone; taking the lock over",
            file,
            STALE_AFTER.toSeconds(),
            seen);
        storage.delete(file);
      }
    }
    ScheduledExecutorService renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lakehouse-lock-" + job);
              t.setDaemon(true);
              return t;
            });
    long[] renewals = {0};
    renewer.scheduleWithFixedDelay(
        () -> {
          try {
            storage.replace(file, bytes(token, ++renewals[0]));
          } catch (RuntimeException e) {
            LOG.warn("Cannot renew {}: {}", file, e.toString());
          }
        },
        RENEW_EVERY.toMillis(),
        RENEW_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return new LakehouseLock(
        () -> {
          renewer.shutdown(); // no interrupt: a renewal in flight (an HDFS write) finishes first
          renewer.awaitTermination(30, TimeUnit.SECONDS);
          storage.delete(file);
        });
  }

  /** The lease's text: the holder, then a renewal count that changes on every renewal. */
  private static byte[] bytes(String token, long renewal) {
    return (token + "\nrenewal " + renewal).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Storage storage, String file) {
    try {
      return new String(storage.read(file), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static IllegalArgumentException held(
      Lakehouse lakehouse, String job, String holder, String file) {
    return new IllegalArgumentException(
        "Another "
            + job
            + " job is already writing the lakehouse at "
            + lakehouse.root()
            + (holder == null || holder.isEmpty() ? "" : " (" + holder + ")")
            + "; lock "
            + file
            + ". One "
            + job
            + " job per lakehouse: stop it first, or use another LAKEHOUSE_PATH.");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a lakehouse lock", e);
    }
  }

  @Override
  public void close() {
    try {
      release.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
