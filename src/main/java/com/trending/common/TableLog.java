package com.trending.common;

import java.util.List;

/**
 * The transaction log of one lakehouse table: the set of data files readers see. A file written
 * into a table's folder is invisible until a commit names it, so a reader never sees a batch that
 * is still being written or that a crash left behind.
 *
 * <p>Files are named by absolute URIs ({@code file:/…}, escaped as URIs are: a space is {@code
 * %20}); readers open them with {@link CommittedFiles}. One writer per table at a time (the
 * lakehouse locks, see {@link LakehouseLock}); a second concurrent commit fails rather than
 * overwrite the first.
 */
public interface TableLog {

  /**
   * Creates the table, empty, if it does not exist, so that readers can load it before the first
   * commit. A Parquet log has nothing to create.
   */
  default void create() {}

  /** The committed data files, sorted. Empty for a table that has never been committed. */
  List<String> files();

  /**
   * The version of the latest commit, -1 for a table that has never been committed: a reader that
   * saw this version before knows that {@link #files()} has not changed, without reading the log.
   */
  long version();

  /**
   * Commits {@code files} to the table in one transaction, once per {@code (appId, version)}:
   * returns false, committing nothing, when that transaction is already in the log (a batch
   * re-committed after a crash). An empty list commits nothing.
   */
  boolean append(String appId, long version, List<String> files);

  /**
   * One commit that makes {@code files} the whole table (a Gold refresh): readers see the previous
   * set or this one, never a mix.
   */
  void replace(List<String> files);
}
