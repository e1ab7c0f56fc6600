package com.trending.common;

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
import java.time.Instant;

/**
 * One writer job of a kind per lakehouse: an OS file lock on
 * {@code _checkpoints/<job>.lock}, released when the job ends, is killed or its machine dies (the
 * lock is the process's, not the file's). The file names the holder, for the error the next job
 * prints.
 */
public final class LakehouseLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private LakehouseLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code job} on the lakehouse, or fails with {@link IllegalArgumentException}
   * naming the job that holds it.
   */
  static LakehouseLock acquire(Lakehouse lakehouse, String job) {
    Path file = lakehouse.root().resolve("_checkpoints").resolve(job + ".lock");
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this JVM
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        channel.close();
        throw new IllegalArgumentException("Another " + job + " job is already writing the lakehouse at "
            + lakehouse.root() + (holder.isEmpty() ? "" : " (" + holder + ")") + "; lock " + file
            + ". One " + job + " job per lakehouse: stop it first, or use another LAKEHOUSE_PATH.");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("process " + ManagementFactory.getRuntimeMXBean().getName()
          + " since " + Instant.now()).getBytes(StandardCharsets.UTF_8)), 0);
      return new LakehouseLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
