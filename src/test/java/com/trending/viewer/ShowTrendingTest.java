package com.trending.viewer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import picocli.CommandLine;

/** The viewer's command line: its options, its help and its exit codes. */
public class ShowTrendingTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ShowTrending.commandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  public void showsALakehouseWithEveryOption() throws Exception {
    Path root = tmp.newFolder("lakehouse").toPath();
    Path chart = root.resolve("chart.png");
    assertEquals(
        err.toString(),
        0,
        run(
            "--lakehousePath=" + root,
            "--storageFormat=delta",
            "--top=3",
            "--top=5",
            "--chart",
            chart.toString(),
            "--current"));
    assertEquals(err.toString(), 0, run("--lakehousePath=" + root, "--chart=" + chart));
  }

  @Test
  public void badOptionsExitWith2AndTheUsage() {
    assertEquals(2, run("--nope"));
    assertTrue(err.toString(), err.toString().contains("Unknown option: '--nope'"));
    assertTrue(err.toString(), err.toString().contains("--lakehousePath=DIR"));
    assertEquals(2, run("--top=x"));
    assertTrue(err.toString(), err.toString().contains("--top"));
    assertEquals(2, run("--chart"));
    assertEquals(2, run("--lakehousePath=" + tmp.getRoot().toPath().resolve("absent")));
    assertEquals(2, run("--storageFormat=csv"));
  }

  @Test
  public void helpListsEveryOption() {
    String help = ShowTrending.commandLine().getUsageMessage();
    for (String option :
        new String[] {
          "--lakehousePath=DIR",
          "--storageFormat=parquet|delta",
          "--top=N",
          "--chart=FILE.png",
          "--current",
          "--help"
        }) {
      assertTrue(option + " in\n" + help, help.contains(option));
    }
    assertTrue(help, help.contains("(default 10)"));
  }
}
