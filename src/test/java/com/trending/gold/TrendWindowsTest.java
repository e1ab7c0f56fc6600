package com.trending.gold;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.trending.gold.TrendWindows.TableWindow;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.junit.Test;

/** The tables' windows: the contract's are the options' defaults; flags change them. */
public class TrendWindowsTest {

  @Test
  public void contractIsTheOptionsDefaults() {
    TrendWindows contract = TrendWindows.contract();
    assertEquals(
        new TableWindow(Duration.standardHours(1), Duration.standardHours(2)),
        contract.shortTable());
    assertEquals(
        new TableWindow(Duration.standardHours(24), Duration.standardHours(26)),
        contract.longTable());
    assertEquals(Duration.standardHours(1), contract.slide());
  }

  @Test
  public void builtFromTheFlags() {
    TrendingToGoldOptions options =
        PipelineOptionsFactory.fromArgs(
                "--shortWindowMinutes=30",
                "--shortAllowedLatenessMinutes=5",
                "--longWindowMinutes=120",
                "--longAllowedLatenessMinutes=0",
                "--slideMinutes=10")
            .as(TrendingToGoldOptions.class);
    assertEquals(
        new TrendWindows(
            new TableWindow(Duration.standardMinutes(30), Duration.standardMinutes(5)),
            new TableWindow(Duration.standardMinutes(120), Duration.ZERO),
            Duration.standardMinutes(10)),
        TrendWindows.of(options));
    assertEquals(Duration.standardMinutes(35), TrendWindows.of(options).shortTable().horizon());
  }

  @Test
  public void sizesMustBeMultiplesOfTheSlide() {
    TableWindow hour = new TableWindow(Duration.standardHours(1), Duration.ZERO);
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrendWindows(hour, hour, Duration.standardMinutes(25)));
  }
}
