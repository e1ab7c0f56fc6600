// A single-node HDFS (one NameNode + one DataNode in this JVM, Hadoop's MiniDFSCluster) for
// scripts/hdfs-start.sh, run as a Java 17 single-file program on the jars of scripts/hdfs/pom.xml:
//
//   java -cp '.local/hdfs/lib/*' scripts/hdfs/MiniHdfs.java <rpc port> <http port|0> <state dir>
//
// - NameNode RPC on 127.0.0.1:<rpc port> (fs.defaultFS hdfs://127.0.0.1:<rpc port>); NameNode HTTP
//   (web UI, WebHDFS) on 127.0.0.1:<http port> (0: any free port); the DataNode's ports are free
//   ports on 127.0.0.1.
// - Everything lives under <state dir>/dfs (name and data folders). The file system is formatted
//   only when that folder does not hold a formatted NameNode yet, so a restart keeps the data.
// - Permissions are off (dfs.permissions.enabled=false): any user may write anywhere.
// - Once the NameNode is out of safe mode, /lakehouse exists and a probe file could be written,
//   read back and deleted, it writes <state dir>/ready (rpc=, http=, pid= lines) and stays up until
//   it is killed; SIGTERM (or SIGINT) shuts the cluster down cleanly and exits 0. The ready file
//   goes when it stops.
// - Exit code 2 with a message on stderr: bad arguments or the cluster did not come up.

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

public class MiniHdfs {

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: MiniHdfs <rpc port> <http port|0> <state dir>");
      System.exit(2);
    }
    int rpcPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    Path stateDir = Paths.get(args[2]).toAbsolutePath().normalize();
    Path dfsDir = stateDir.resolve("dfs");
    Path ready = stateDir.resolve("ready");
    Files.deleteIfExists(ready);
    Files.createDirectories(dfsDir);

    // MiniDFSCluster keeps its NameNode in <base>/name-0-1 and name-0-2 (two copies of the
    // image and edit log) and the DataNode in <base>/data/data1, data2.
    boolean formatted = Files.isRegularFile(dfsDir.resolve("name-0-1/current/VERSION"));

    Configuration conf = new HdfsConfiguration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dfsDir.toString());
    conf.setBoolean(DFSConfigKeys.DFS_PERMISSIONS_ENABLED_KEY, false);
    conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
    conf.setInt(DFSConfigKeys.DFS_NAMENODE_REPLICATION_MIN_KEY, 1);
    // Leave safe mode as soon as the DataNode has reported its blocks (default: 30 s later).
    conf.setInt(DFSConfigKeys.DFS_NAMENODE_SAFEMODE_EXTENSION_KEY, 0);
    conf.set(DFSConfigKeys.DFS_NAMENODE_RPC_BIND_HOST_KEY, "127.0.0.1");
    conf.set(DFSConfigKeys.DFS_NAMENODE_HTTP_BIND_HOST_KEY, "127.0.0.1");
    // The DataNode registers as 127.0.0.1 and clients reach it there (no host name lookups).
    conf.set(DFSConfigKeys.DFS_DATANODE_HOST_NAME_KEY, "127.0.0.1");
    conf.setBoolean("dfs.client.use.datanode.hostname", false);
    // A restarted DataNode is taken as dead quickly if it vanished (kill -9); not 10 minutes.
    conf.setInt(DFSConfigKeys.DFS_NAMENODE_HEARTBEAT_RECHECK_INTERVAL_KEY, 30_000);
    // Small local disks: do not refuse writes when less than the default 100 MB is free.
    conf.setLong(DFSConfigKeys.DFS_NAMENODE_DU_RESERVED_KEY, 0L);

    long started = System.nanoTime();
    System.out.println("[MiniHdfs] starting NameNode on 127.0.0.1:" + rpcPort + " (http "
        + (httpPort == 0 ? "any free port" : Integer.toString(httpPort)) + ") + 1 DataNode, "
        + (formatted ? "existing file system" : "formatting a new file system") + " in " + dfsDir);

    MiniDFSCluster cluster;
    try {
      cluster = new MiniDFSCluster.Builder(conf)
          .nameNodePort(rpcPort)
          .nameNodeHttpPort(httpPort)
          .numDataNodes(1)
          .format(!formatted)
          .manageNameDfsDirs(true)
          .manageDataDfsDirs(true)
          .waitSafeMode(true)
          .checkExitOnShutdown(false)
          .build();
      cluster.waitActive();
    } catch (Throwable e) {
      System.err.println("[MiniHdfs] the cluster did not start: " + e);
      e.printStackTrace();
      System.exit(2);
      return;
    }

    // SIGTERM / SIGINT shut the cluster down before the JVM exits: inside a JVM shutdown hook,
    // the DataNode's own shutdown fails half-way (Hadoop's ShutdownHookManager refuses to remove
    // hooks once the JVM is shutting down). The ready file goes in any case.
    CountDownLatch stopping = new CountDownLatch(1);
    onSignals(stopping::countDown, "TERM", "INT");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.deleteIfExists(ready);
      } catch (IOException ignored) {
        // best effort
      }
    }, "mini-hdfs-ready-file"));

    String uri = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    int actualHttp = cluster.getNameNode().getHttpAddress().getPort();
    try {
      waitOutOfSafeMode(cluster);
      probe(conf, uri);
    } catch (Throwable e) {
      System.err.println("[MiniHdfs] the cluster started but does not work: " + e);
      e.printStackTrace();
      System.exit(2);
    }

    String status = "rpc=" + cluster.getNameNodePort() + "\nhttp=" + actualHttp
        + "\npid=" + ProcessHandle.current().pid() + "\n";
    Path tmp = stateDir.resolve("ready.tmp");
    Files.write(tmp, status.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.printf("[MiniHdfs] ready in %.1f s: %s (web UI http://127.0.0.1:%d)%n",
        (System.nanoTime() - started) / 1e9, uri, actualHttp);

    stopping.await(); // until SIGTERM or SIGINT
    Files.deleteIfExists(ready);
    System.out.println("[MiniHdfs] shutting down");
    // Not cluster.shutdown(): with deleteDfsDir=false it still marks the whole base folder
    // deleteOnExit (FileUtil.fullyDeleteOnExit), i.e. the file system would be gone at exit.
    cluster.shutdownDataNodes();
    cluster.shutdownNameNodes();
    System.out.println("[MiniHdfs] stopped");
    System.exit(0);
  }

  /**
   * Runs {@code action} (on a new thread) when one of the signals arrives, instead of the JVM's
   * default of exiting. sun.misc.Signal through reflection: javac would warn about it at every
   * start otherwise (this file is compiled on each launch).
   */
  private static void onSignals(Runnable action, String... names) throws Exception {
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
    Object handler = java.lang.reflect.Proxy.newProxyInstance(
        MiniHdfs.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
          if (method.getName().equals("handle")) {
            new Thread(action, "mini-hdfs-signal").start();
          }
          return null;
        });
    for (String name : names) {
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
    }
  }

  private static void waitOutOfSafeMode(MiniDFSCluster cluster) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (cluster.getNamesystem().isInSafeMode()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the NameNode stayed in safe mode for 120 s");
      }
      Thread.sleep(200);
    }
  }

  /** Through a client of its own, as any user would: /lakehouse exists, a write round trip works. */
  private static void probe(Configuration serverConf, String uri) throws IOException {
    Configuration conf = new Configuration(serverConf);
    conf.set("fs.defaultFS", uri);
    conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    try (FileSystem fs = FileSystem.get(java.net.URI.create(uri), conf)) {
      org.apache.hadoop.fs.Path lakehouse = new org.apache.hadoop.fs.Path("/lakehouse");
      fs.mkdirs(lakehouse);
      org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(
          "/tmp/.mini-hdfs-probe-" + ProcessHandle.current().pid());
      byte[] data = "probe".getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = fs.create(probe, true)) {
        out.write(data);
      }
      byte[] back;
      try (InputStream in = fs.open(probe)) {
        back = in.readAllBytes();
      }
      if (!java.util.Arrays.equals(data, back)) {
        throw new IOException("read back " + back.length + " bytes, not what was written");
      }
      fs.delete(probe, false);
    }
  }
}
