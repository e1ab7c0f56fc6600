package com.trending.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The launcher's class-data sharing ({@code scripts/lib/class-data.sh}), driven as {@code
 * launch.sh} drives it, on a small main (JUnit's console runner): the first launch lists the
 * classes it loads, the second makes the archive in the background, the third maps it, and a
 * rebuilt jar starts over.
 */
public class ClassDataSharingTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String MAIN = "org.junit.runner.JUnitCore";

  @Test
  public void theThirdLaunchMapsTheArchiveThatTheSecondMadeAndARebuildStartsOver()
      throws Exception {
    Path cds = tmp.getRoot().toPath().resolve("cds");
    Path jar =
        Files.copy(
            jarOf(org.junit.runner.JUnitCore.class), tmp.getRoot().toPath().resolve("app.jar"));
    String classpath = jar + File.pathSeparator + jarOf(org.hamcrest.Matcher.class);
    Path driver = driver();
    Map<String, String> env = Map.of("CDS_DIR", cds.toString(), "CP", classpath);

    Scripts.Result first = Scripts.run("cds-1", driver.toString(), env, 120);
    assertEquals(first.output, 0, first.exitCode);
    assertTrue(first.output, first.output.contains("flags: -XX:DumpLoadedClassList=" + cds));
    assertEquals(List.of(".classlist."), kinds(cds));

    Scripts.Result second = Scripts.run("cds-2", driver.toString(), env, 120);
    assertEquals(second.output, 0, second.exitCode);
    assertTrue(second.output, second.output.contains("making a class-data archive"));
    assertTrue(second.output, second.output.contains("flags: \n"));
    awaitNoDump(cds);
    assertTrue(kinds(cds).toString(), kinds(cds).contains(".jsa"));

    // -Xshare:on: the JVM fails unless it can map the archive
    Path loaded = tmp.getRoot().toPath().resolve("loaded.txt");
    Map<String, String> mapped =
        Map.of("CDS_DIR", cds.toString(), "CP", classpath, "LOADED", loaded.toString());
    Scripts.Result third = Scripts.run("cds-3", driver.toString(), mapped, 120);
    assertEquals(third.output, 0, third.exitCode);
    assertTrue(third.output, third.output.contains("flags: -XX:SharedArchiveFile=" + cds));
    assertTrue(Files.readString(loaded).contains(MAIN + " source: shared objects file"));

    // Another build of the jar: a new key, so a new list, and the old archive goes.
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    Scripts.Result rebuilt = Scripts.run("cds-4", driver.toString(), env, 120);
    assertEquals(rebuilt.output, 0, rebuilt.exitCode);
    assertTrue(rebuilt.output, rebuilt.output.contains("flags: -XX:DumpLoadedClassList="));
    assertEquals(List.of(".classlist."), kinds(cds));

    Map<String, String> off =
        Map.of("CDS_DIR", cds.toString(), "CP", classpath, "CLASS_DATA_SHARING", "false");
    Scripts.Result disabled = Scripts.run("cds-off", driver.toString(), off, 120);
    assertEquals(disabled.output, 0, disabled.exitCode);
    assertTrue(disabled.output, disabled.output.contains("flags: \n"));
  }

  /** Launches MAIN as launch.sh does, printing the flags class_data_flags gave it first. */
  private Path driver() throws Exception {
    Path driver = tmp.getRoot().toPath().resolve("launch-like.sh");
    Files.writeString(
        driver,
        String.join(
            "\n",
            "set -euo pipefail",
            "source scripts/lib/class-data.sh",
            "mapfile -t F < <(class_data_flags \"$CDS_DIR\" JUnitCore-test \"$CP\" -Xmx256m)",
            "echo \"flags: ${F[*]:-}\"",
            "extra=()",
            "if [[ -n \"${LOADED:-}\" ]]; then extra=(-Xshare:on"
                + " \"-Xlog:class+load=info:file=$LOADED\"); fi",
            "exec java -Xmx256m ${F[@]+\"${F[@]}\"} ${extra[@]+\"${extra[@]}\"} -cp \"$CP\" "
                + MAIN,
            ""));
    return driver;
  }

  /** The kinds of file in the folder (the part of each name after the key), sorted. */
  private static List<String> kinds(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .map(name -> name.replaceFirst("^JUnitCore-test-[0-9]+", "").replaceAll("[0-9]+$", ""))
          .sorted()
          .toList();
    }
  }

  private static void awaitNoDump(Path cds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 300_000;
    while (Files.exists(cds.resolve(".dumping"))) {
      assertTrue("the archive took more than 5 minutes", System.currentTimeMillis() < deadline);
      Thread.sleep(200);
    }
  }

  private static Path jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
