package com.trending.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Folder names made from names a user chooses, and data files told apart from everything else. */
public class LakehouseTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final List<String> HOSTILE =
      List.of(
          "../../etc",
          "..",
          ".",
          "a/b",
          "/abs",
          "a\\b",
          "C:\\x",
          "C:",
          "",
          " ",
          "a b",
          "%",
          "%2E%2E",
          ".hidden",
          "group.",
          "nul",
          "NUL.txt",
          "com1",
          "lpt9.log",
          "a:b",
          "a*b?",
          "[x]",
          "tab\tnew\nline",
          "nul\0byte",
          "グループ",
          "emoji 🎬",
          "%25",
          "-",
          "_");

  @Test
  public void ordinaryNamesKeepTheirFolder() {
    Lakehouse lakehouse = Lakehouse.at(tmp.getRoot().toString());
    for (String name :
        List.of("kafka-to-silver", "my_group.v2", "MyGroup", "it-crash", "a.b.c", "x..y")) {
      assertEquals(name, Lakehouse.folderName(name));
      assertEquals(
          Path.of(lakehouse.checkpoints("kafka-to-silver")).resolve(name).toString(),
          lakehouse.checkpoints("kafka-to-silver", name));
    }
  }

  /**
   * Each hostile name is one folder right under _checkpoints/<job>, and it can be created there.
   */
  @Test
  public void everyNameIsOneFolderInsideTheLakehouse() throws Exception {
    Lakehouse lakehouse = Lakehouse.at(tmp.newFolder("lake").toString());
    Path jobDir = Path.of(lakehouse.checkpoints("kafka-to-silver"));
    for (String name : HOSTILE) {
      Path dir = Path.of(lakehouse.checkpoints("kafka-to-silver", name));
      String folder = dir.getFileName().toString();
      assertEquals(name, jobDir, dir.getParent());
      assertEquals(name, dir, dir.normalize());
      assertFalse(name, folder.startsWith(".") || folder.endsWith("."));
      assertTrue(name + " -> " + folder, folder.matches("[A-Za-z0-9._%-]+"));
      Files.createDirectories(dir);
      assertTrue(name, dir.toRealPath().startsWith(jobDir.toRealPath()));
    }
    assertEquals("%2E.%2F..%2Fetc", Lakehouse.folderName("../../etc"));
    assertEquals("%2E%2E", Lakehouse.folderName(".."));
    assertEquals("C%3A%5Cx", Lakehouse.folderName("C:\\x"));
    assertEquals("%", Lakehouse.folderName(""));
    assertEquals("%6Eul", Lakehouse.folderName("nul"));
    assertEquals("group%2E", Lakehouse.folderName("group."));
  }

  /** Different names never share a folder: the hostile ones, and 20,000 random ones. */
  @Test
  public void differentNamesGetDifferentFolders() {
    Map<String, String> byFolder = new HashMap<>();
    for (String name : HOSTILE) {
      assertNull(name, byFolder.put(Lakehouse.folderName(name), name));
    }
    String alphabet = "aA.%/\\:_-2E5C é🎬";
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder name = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        name.appendCodePoint(
            alphabet.codePointAt(
                alphabet.offsetByCodePoints(
                    0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      String other = byFolder.put(Lakehouse.folderName(name.toString()), name.toString());
      assertTrue(other + " and " + name, other == null || other.equals(name.toString()));
    }
  }

  @Test
  public void aNameThatIsNotUnicodeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Lakehouse.folderName("a\uD800b"));
  }

  @Test
  public void dataFilesAreToldApartWhateverTheSeparator() {
    for (String sep : List.of("/", "\\")) {
      String table =
          sep.equals("/")
              ? "/data/lake house/silver/events_views"
              : "C:\\data\\lake house\\silver\\events_views";
      assertTrue(
          sep,
          Lakehouse.isDataFile(
              table, table + sep + "event_date=2025-01-01" + sep + "part-1.parquet"));
      assertTrue(sep, Lakehouse.isDataFile(table + sep, table + sep + "part-1.parquet"));
      assertFalse(
          sep,
          Lakehouse.isDataFile(
              table, table + sep + "event_date=2025-01-01" + sep + ".part-1.parquet"));
      assertFalse(
          sep, Lakehouse.isDataFile(table, table + sep + "_temporary" + sep + "part-1.parquet"));
      assertFalse(
          sep, Lakehouse.isDataFile(table, table + sep + ".temp-beam" + sep + "part-1.parquet"));
      assertFalse(sep, Lakehouse.isDataFile(table, table + sep + "part-1.parquet.tmp"));
      assertFalse(sep, Lakehouse.isDataFile(table, table + "2" + sep + "part-1.parquet"));
      assertFalse(sep, Lakehouse.isDataFile(table, table));
    }
    // Windows accepts both separators in one path.
    assertTrue(
        Lakehouse.isDataFile(
            "C:\\data\\lake\\silver\\t", "C:/data/lake/silver/t/event_date=2025-01-01/p.parquet"));
  }
}
