package com.trending.common;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * Where the lakehouse lives, a local folder, HDFS or an S3 bucket, and the few file operations its
 * tables, offsets ledger and locks need. What each store guarantees, and what is done about it:
 *
 * <table>
 *   <tr><th>operation</th><th>local disk</th><th>HDFS</th><th>S3 ({@code s3a://})</th></tr>
 *   <tr><td>{@link #replace}: the new bytes or the old, never a mix</td>
 *       <td>hidden temporary file, atomic rename over the name</td>
 *       <td>hidden temporary file, rename with {@code OVERWRITE} (atomic in the NameNode)</td>
 *       <td>one PUT: an object is replaced whole (no rename on S3)</td></tr>
 *   <tr><td>{@link #createIfAbsent}: two writers cannot both create a name (commit logs)</td>
 *       <td>hidden temporary file, hard link (fails if the name exists)</td>
 *       <td>hidden temporary file, rename without overwrite (fails if the name exists)</td>
 *       <td>PUT with {@code If-None-Match: *} (412 if the key exists; AWS S3 since 2024, MinIO,
 *           S3Proxy); Hadoop 3.3's S3A cannot send it, so it goes through S3A's own client</td></tr>
 *   <tr><td>{@link #create}: a new file under a unique name</td>
 *       <td colspan="3">written in place; invisible to readers until a commit names it</td></tr>
 * </table>
 *
 * <p>Locations are strings: an absolute local path for the local disk, a Hadoop path ({@code
 * hdfs://namenode:8020/lakehouse/…}, {@code s3a://bucket/lakehouse/…}) otherwise. Files that a
 * table's log commits are named by URIs ({@link #uri}).
 *
 * <p>Configuration comes from the standard places, read once where the job starts and carried to
 * the workers with the tables: {@code core-site.xml} and {@code hdfs-site.xml} in {@code
 * HADOOP_CONF_DIR}, then for S3 the AWS variables ({@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}, {@code AWS_ENDPOINT_URL_S3} or {@code
 * AWS_ENDPOINT_URL}, {@code AWS_REGION}) where the files do not set the matching {@code fs.s3a.*}
 * key. A custom endpoint means an S3-compatible server: path-style requests, unless {@code
 * fs.s3a.path.style.access} says otherwise. The settings may hold credentials; nothing prints them.
 */
public final class Storage implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of store, by the scheme of their locations. */
  public enum Kind {
    LOCAL,
    HDFS,
    S3
  }

  private final Kind kind;
  private final TreeMap<String, String> settings; // Hadoop settings; may hold credentials
  private transient Configuration conf;

  private Storage(Kind kind, Map<String, String> settings) {
    this.kind = kind;
    this.settings = new TreeMap<>(settings);
  }

  /** The local disk, with no Hadoop settings. */
  public static Storage local() {
    return new Storage(Kind.LOCAL, Map.of());
  }

  private static volatile Map<String, String> environment; // null: the process's

  /**
   * The store of {@code location}, configured from the environment (see the class comment).
   *
   * @throws IllegalArgumentException for a scheme this product does not write to
   */
  public static Storage forLocation(String location) {
    Kind kind = kindOf(location);
    Map<String, String> env = environment == null ? System.getenv() : environment;
    return kind == Kind.LOCAL ? local() : new Storage(kind, settingsFromEnvironment(kind, env));
  }

  /**
   * Makes {@link #forLocation} read {@code env} instead of the process's environment variables, for
   * a program that runs the pipelines in its own JVM with a store of its own (tests); {@code null}
   * goes back to the process's.
   */
  public static void useEnvironment(Map<String, String> env) {
    environment = env == null ? null : Map.copyOf(env);
  }

  /** The kind of store {@code location} names; a path without a scheme is local. */
  public static Kind kindOf(String location) {
    String scheme = scheme(location);
    if (scheme == null || scheme.equals("file")) {
      return Kind.LOCAL;
    }
    return switch (scheme) {
      case "hdfs", "viewfs" -> Kind.HDFS;
      case "s3a" -> Kind.S3;
      case "s3", "s3n" ->
          throw new IllegalArgumentException(
              "LAKEHOUSE_PATH "
                  + location
                  + ": Hadoop reads S3 through the s3a:// scheme; write s3a://"
                  + location.substring(scheme.length() + 3));
      default ->
          throw new IllegalArgumentException(
              "LAKEHOUSE_PATH "
                  + location
                  + ": the scheme '"
                  + scheme
                  + "' is not supported; use a local folder, hdfs://namenode:port/path or"
                  + " s3a://bucket/path.");
    };
  }

  /** A URI scheme of two or more letters ({@code C:\…} is a Windows path, not a scheme). */
  private static String scheme(String location) {
    int colon = location.indexOf(':');
    if (colon < 2 || !location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return null;
    }
    return location.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  /**
   * {@code location} as this product names it: an absolute normalized local path, or a Hadoop path
   * with its scheme and authority and without a trailing slash.
   */
  public static String normalize(String location) {
    if (kindOf(location) == Kind.LOCAL) {
      Path local =
          location.regionMatches(true, 0, "file:", 0, 5)
              ? Paths.get(URI.create(location))
              : Paths.get(location);
      return local.toAbsolutePath().normalize().toString();
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    URI uri = path.toUri();
    if (uri.getAuthority() == null || uri.getAuthority().isEmpty()) {
      throw new IllegalArgumentException(
          "LAKEHOUSE_PATH "
              + location
              + " names no "
              + (kindOf(location) == Kind.S3
                  ? "bucket (s3a://bucket/path)"
                  : "NameNode (hdfs://host:port/path)"));
    }
    String text = path.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  static Map<String, String> settingsFromEnvironment(Kind kind, Map<String, String> env) {
    Configuration files = new Configuration(false);
    String confDir = env.get("HADOOP_CONF_DIR");
    if (confDir != null && !confDir.isBlank()) {
      for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
        Path file = Path.of(confDir, name);
        if (Files.isRegularFile(file)) {
          files.addResource(new org.apache.hadoop.fs.Path(file.toUri()));
        }
      }
    }
    Map<String, String> settings = new TreeMap<>();
    files.forEach(e -> settings.put(e.getKey(), e.getValue()));
    if (kind == Kind.S3) {
      putAbsent(settings, "fs.s3a.access.key", env.get("AWS_ACCESS_KEY_ID"));
      putAbsent(settings, "fs.s3a.secret.key", env.get("AWS_SECRET_ACCESS_KEY"));
      if (present(env.get("AWS_SESSION_TOKEN")) && !settings.containsKey("fs.s3a.session.token")) {
        settings.put("fs.s3a.session.token", env.get("AWS_SESSION_TOKEN"));
        putAbsent(
            settings,
            "fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
      }
      String endpoint =
          present(env.get("AWS_ENDPOINT_URL_S3"))
              ? env.get("AWS_ENDPOINT_URL_S3")
              : env.get("AWS_ENDPOINT_URL");
      if (present(endpoint) && !settings.containsKey("fs.s3a.endpoint")) {
        settings.put("fs.s3a.endpoint", endpoint.trim());
        putAbsent(settings, "fs.s3a.path.style.access", "true");
        if (endpoint.trim().toLowerCase(Locale.ROOT).startsWith("http://")) {
          putAbsent(settings, "fs.s3a.connection.ssl.enabled", "false");
        }
      }
      putAbsent(
          settings,
          "fs.s3a.endpoint.region",
          present(env.get("AWS_REGION")) ? env.get("AWS_REGION") : env.get("AWS_DEFAULT_REGION"));
    }
    return settings;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static void putAbsent(Map<String, String> settings, String key, String value) {
    if (present(value) && !settings.containsKey(key)) {
      settings.put(key, value.trim());
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The Hadoop settings read from the environment (may hold credentials: never print them). */
  public Map<String, String> hadoopSettings() {
    return Collections.unmodifiableMap(settings);
  }

  /** The Hadoop configuration of this store (Hadoop's defaults plus its settings). */
  public synchronized Configuration hadoopConf() {
    if (conf == null) {
      Configuration c = new Configuration(hadoopDefaults());
      settings.forEach(c::set);
      conf = c;
    }
    return conf;
  }

  private static Configuration hadoopDefaults;

  /**
   * Hadoop's defaults ({@code core-default.xml}, {@code core-site.xml}), parsed once per JVM: a
   * store deserialized in each task of a runner copies them instead of parsing the files again.
   */
  private static synchronized Configuration hadoopDefaults() {
    if (hadoopDefaults == null) {
      Configuration c = new Configuration();
      c.size(); // loads the files now
      hadoopDefaults = c;
    }
    return hadoopDefaults;
  }

  /**
   * The Hadoop configuration Beam's file system needs to write to this store: its settings with
   * {@code fs.defaultFS} set to the store's root ({@code hdfs://host:port}, {@code s3a://bucket}),
   * the scheme Beam registers. Null for the local disk, which Beam writes itself.
   */
  public Configuration beamConf(String root) {
    if (kind == Kind.LOCAL) {
      return null;
    }
    Configuration c = new Configuration(hadoopConf());
    URI uri = new org.apache.hadoop.fs.Path(root).toUri();
    c.set(FileSystem.FS_DEFAULT_NAME_KEY, uri.getScheme() + "://" + uri.getAuthority());
    return c;
  }

  // ---- locations ------------------------------------------------------------------------------

  /** {@code dir/name}. */
  public String child(String dir, String name) {
    return kind == Kind.LOCAL ? Path.of(dir).resolve(name).toString() : dir + "/" + name;
  }

  /** The location's parent folder. */
  public String parent(String location) {
    return kind == Kind.LOCAL
        ? Path.of(location).getParent().toString()
        : new org.apache.hadoop.fs.Path(location).getParent().toString();
  }

  /**
   * The URI a commit log names the file at {@code location} by ({@code file:/…}, {@code hdfs://…}).
   */
  public String uri(String location) {
    return kind == Kind.LOCAL
        ? Path.of(location).toUri().toString()
        : new org.apache.hadoop.fs.Path(location).toUri().toString();
  }

  /** The location of a file a commit log names by {@code uri}. */
  public String location(String uri) {
    return kind == Kind.LOCAL
        ? Path.of(URI.create(uri)).toString()
        : CommittedFiles.hadoopPath(uri).toString();
  }

  // ---- reading --------------------------------------------------------------------------------

  /** A file's or folder's name, size and modification time. */
  public record Entry(
      String location, String name, boolean isDirectory, long size, long modifiedMillis) {}

  /** The entry at {@code location}, or null when there is nothing there. */
  public Entry stat(String location) {
    try {
      if (kind == Kind.LOCAL) {
        Path p = Path.of(location);
        if (!Files.exists(p)) {
          return null;
        }
        return new Entry(
            location,
            p.getFileName().toString(),
            Files.isDirectory(p),
            Files.isDirectory(p) ? 0 : Files.size(p),
            Files.getLastModifiedTime(p).toMillis());
      }
      return entry(fs(location).getFileStatus(hadoop(location)));
    } catch (FileNotFoundException | NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + location, e);
    }
  }

  public boolean exists(String location) {
    return stat(location) != null;
  }

  /** The entries directly in folder {@code dir}; empty when it does not exist. */
  public List<Entry> list(String dir) {
    List<Entry> entries = new ArrayList<>();
    try {
      if (kind == Kind.LOCAL) {
        if (!Files.isDirectory(Path.of(dir))) {
          return entries;
        }
        try (Stream<Path> children = Files.list(Path.of(dir))) {
          for (Path p : (Iterable<Path>) children::iterator) {
            try {
              boolean folder = Files.isDirectory(p);
              entries.add(
                  new Entry(
                      p.toString(),
                      p.getFileName().toString(),
                      folder,
                      folder ? 0 : Files.size(p),
                      Files.getLastModifiedTime(p).toMillis()));
            } catch (NoSuchFileException gone) {
              // deleted while listed
            }
          }
        }
        return entries;
      }
      for (FileStatus status : fs(dir).listStatus(hadoop(dir))) {
        entries.add(entry(status));
      }
      return entries;
    } catch (FileNotFoundException | NoSuchFileException e) {
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /** Every file (not folder) under {@code dir}, at any depth; empty when it does not exist. */
  public List<Entry> listFiles(String dir) {
    List<Entry> files = new ArrayList<>();
    try {
      if (kind == Kind.LOCAL) {
        if (!Files.isDirectory(Path.of(dir))) {
          return files;
        }
        try (Stream<Path> all = Files.walk(Path.of(dir))) {
          for (Path p : (Iterable<Path>) all::iterator) {
            if (Files.isRegularFile(p)) {
              files.add(
                  new Entry(
                      p.toString(),
                      p.getFileName().toString(),
                      false,
                      Files.size(p),
                      Files.getLastModifiedTime(p).toMillis()));
            }
          }
        }
        return files;
      }
      RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it =
          fs(dir).listFiles(hadoop(dir), true);
      while (it.hasNext()) {
        files.add(entry(it.next()));
      }
      return files;
    } catch (FileNotFoundException | NoSuchFileException e) {
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /**
   * The whole content of the file at {@code location}, read from one open file (one GET on S3), so
   * a replace meanwhile gives the old bytes or the new, never a mix.
   *
   * @throws FileNotFoundException when there is no such file
   */
  public byte[] read(String location) throws IOException {
    if (kind == Kind.LOCAL) {
      try {
        return Files.readAllBytes(Path.of(location));
      } catch (NoSuchFileException e) {
        throw (FileNotFoundException) new FileNotFoundException(location).initCause(e);
      }
    }
    try (var in = fs(location).open(hadoop(location))) {
      return in.readAllBytes();
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  /** Creates folder {@code dir} and its parents (object stores have no folders: nothing to do). */
  public void mkdirs(String dir) {
    try {
      if (kind == Kind.LOCAL) {
        Files.createDirectories(Path.of(dir));
      } else if (kind == Kind.HDFS) {
        fs(dir).mkdirs(hadoop(dir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
  }

  /** A new file at {@code location} (its name unique to the writer); its parents are made. */
  public OutputStream create(String location) throws IOException {
    if (kind == Kind.LOCAL) {
      Files.createDirectories(Path.of(location).getParent());
      return Files.newOutputStream(Path.of(location));
    }
    return fs(location).create(hadoop(location), true);
  }

  /**
   * A stream whose bytes replace the file at {@code location} when it is closed, in one atomic step
   * (see the class comment); before that, readers see the previous file. A stream that fails before
   * its close leaves the previous file as it was.
   */
  public OutputStream replace(String location) throws IOException {
    if (kind == Kind.S3) {
      return fs(location).create(hadoop(location), true); // S3A uploads on close: one atomic PUT
    }
    String temp = tempFor(location);
    OutputStream out = create(temp);
    return new FilterOutputStream(out) {
      private boolean closed;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        try {
          out.close();
          if (kind == Kind.LOCAL) {
            fsync(temp); // on disk before the name points at it
          }
          moveOver(temp, location);
        } finally {
          deleteQuietly(temp);
        }
      }
    };
  }

  /**
   * Replaces the file at {@code location} with {@code bytes}, atomically (see {@link #replace}).
   */
  public void replace(String location, byte[] bytes) {
    try (OutputStream out = replace(location)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + location, e);
    }
  }

  /**
   * Writes {@code bytes} to {@code location} unless a file is there already: of two writers racing
   * for one name exactly one gets true. The file appears whole or not at all.
   */
  public boolean createIfAbsent(String location, byte[] bytes) {
    try {
      if (kind == Kind.S3) {
        return putIfNoneMatch(location, bytes);
      }
      String temp = tempFor(location);
      try {
        try (OutputStream out = create(temp)) {
          out.write(bytes);
        }
        if (kind == Kind.LOCAL) {
          fsync(temp);
          Files.createLink(Path.of(location), Path.of(temp));
        } else {
          FileContext.getFileContext(hadoop(location).toUri(), hadoopConf())
              .rename(hadoop(temp), hadoop(location), Options.Rename.NONE);
        }
        return true;
      } catch (FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false;
      } finally {
        deleteQuietly(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + location, e);
    }
  }

  /**
   * Forces the local file {@code path}'s bytes to the disk (before a name is made to point at it).
   */
  private static void fsync(String path) throws IOException {
    try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** S3A's client per file system (S3A logs each request for it). */
  private static final Map<S3AFileSystem, AmazonS3> S3_CLIENTS = new WeakHashMap<>();

  private boolean putIfNoneMatch(String location, byte[] bytes) throws IOException {
    S3AFileSystem s3 = (S3AFileSystem) fs(location);
    // Hadoop 3.3's S3A has no conditional PUT; its own client (credentials, endpoint, retries
    // as configured) sends one.
    AmazonS3 client;
    synchronized (S3_CLIENTS) {
      client =
          S3_CLIENTS.computeIfAbsent(
              s3, fs -> fs.getAmazonS3ClientForTesting("conditional PUTs of commits"));
    }
    ObjectMetadata metadata = new ObjectMetadata();
    metadata.setContentLength(bytes.length);
    PutObjectRequest put =
        new PutObjectRequest(
            s3.getBucket(),
            s3.pathToKey(hadoop(location)),
            new ByteArrayInputStream(bytes),
            metadata);
    put.putCustomRequestHeader("If-None-Match", "*");
    try {
      client.putObject(put);
      return true;
    } catch (AmazonS3Exception e) {
      if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
        return false; // 412: the key exists; 409: a concurrent conditional PUT of it is in flight
      }
      throw new IOException("PUT " + location + ": " + e.getErrorMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("PUT " + location + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the file at {@code location}, if there is one. */
  public void delete(String location) {
    try {
      if (kind == Kind.LOCAL) {
        Files.deleteIfExists(Path.of(location));
      } else {
        fs(location).delete(hadoop(location), false);
      }
    } catch (FileNotFoundException | NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + location, e);
    }
  }

  /** Deletes {@code location} and everything under it. */
  public void deleteTree(String location) {
    try {
      if (kind == Kind.LOCAL) {
        Path root = Path.of(location);
        if (!Files.exists(root)) {
          return;
        }
        try (Stream<Path> all = Files.walk(root)) {
          for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      } else {
        fs(location).delete(hadoop(location), true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + location, e);
    }
  }

  private void deleteQuietly(String location) {
    try {
      delete(location);
    } catch (UncheckedIOException e) {
      // a temporary file: readers ignore hidden names, the next sweep removes it
    }
  }

  private void moveOver(String temp, String location) throws IOException {
    if (kind == Kind.LOCAL) {
      try {
        Files.move(
            Path.of(temp),
            Path.of(location),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("The file system of " + location + " cannot rename atomically", e);
      }
    } else {
      FileContext.getFileContext(hadoop(location).toUri(), hadoopConf())
          .rename(hadoop(temp), hadoop(location), Options.Rename.OVERWRITE);
    }
  }

  /** A hidden name next to {@code location} (readers skip names starting with '.'). */
  private String tempFor(String location) {
    String name =
        kind == Kind.LOCAL
            ? Path.of(location).getFileName().toString()
            : new org.apache.hadoop.fs.Path(location).getName();
    return child(parent(location), "." + name + "." + UUID.randomUUID() + ".tmp");
  }

  // ---- Hadoop ---------------------------------------------------------------------------------

  /** The Hadoop file system of {@code location} (Hadoop caches one per scheme and authority). */
  private FileSystem fs(String location) throws IOException {
    return hadoop(location).getFileSystem(hadoopConf());
  }

  private static org.apache.hadoop.fs.Path hadoop(String location) {
    return new org.apache.hadoop.fs.Path(location);
  }

  private static Entry entry(FileStatus status) {
    return new Entry(
        status.getPath().toString(),
        status.getPath().getName(),
        status.isDirectory(),
        status.getLen(),
        status.getModificationTime());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Storage s && s.kind == kind && s.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, settings);
  }

  /** The kind and the names of its settings, never their values (they may be credentials). */
  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT)
        + (settings.isEmpty() ? "" : " " + settings.keySet());
  }
}
