package io.conductorvx.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conductorvx.error.ConductorException;
import io.conductorvx.scheduler.WorkflowSchedule.CronSchedule;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden slots of Conductor's cron dialect as the server computes them (cron-utils SPRING53):
 * day-of-week numbers, macros, L/W/#, zones, and the two daylight-saving days.
 */
class CronTest {
  private static long at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant().toEpochMilli();
  }

  private static List<String> slots(String cron, String zone, String from, int n) {
    CronSchedule trigger = new CronSchedule(cron, zone);
    List<String> out = new ArrayList<>();
    long t = at(from);
    for (int i = 0; i < n; i++) {
      Long next = Cron.next(trigger, t);
      if (next == null) {
        break;
      }
      out.add(java.time.Instant.ofEpochMilli(next).atZone(Cron.zone(zone)).toOffsetDateTime().toString());
      t = next;
    }
    return out;
  }

  @Test
  void dayOfWeekNumbersAreSpringsMondayIsOneAndSundayZeroOrSeven() {
    assertEquals(List.of("2025-03-31T09:00Z"), slots("0 0 9 ? * 1", "UTC", "2025-03-28T12:00:00Z", 1));
    assertEquals(List.of("2025-03-30T09:00Z"), slots("0 0 9 ? * 0", "UTC", "2025-03-28T12:00:00Z", 1));
    assertEquals(List.of("2025-03-30T09:00Z"), slots("0 0 9 ? * 7", "UTC", "2025-03-28T12:00:00Z", 1));
    assertEquals(List.of("2025-03-31T09:00+01:00", "2025-04-01T09:00+01:00"),
        slots("0 0 9 * * MON-FRI", "Europe/London", "2025-03-28T12:00:00Z", 2));
  }

  @Test
  void macrosLastWeekdayAndNthDayOfWeek() {
    assertEquals(List.of("2025-03-29T00:00+09:00", "2025-03-30T00:00+09:00"), slots("@daily", "Asia/Tokyo", "2025-03-28T12:00:00Z", 2));
    assertEquals(List.of("2025-03-28T13:00Z"), slots("@hourly", "UTC", "2025-03-28T12:00:00Z", 1));
    assertEquals(List.of("2025-03-31T09:00Z", "2025-04-30T09:00Z"), slots("0 0 9 L * ?", "UTC", "2025-03-28T12:00:00Z", 2));
    // the 15th of March 2025 is a Saturday, of June a Sunday: the nearest weekday fires
    assertEquals(List.of("2025-03-14T09:00Z", "2025-04-15T09:00Z", "2025-05-15T09:00Z", "2025-06-16T09:00Z"),
        slots("0 0 9 15W * ?", "UTC", "2025-03-01T12:00:00Z", 4));
    assertEquals(List.of("2025-03-14T09:00Z", "2025-04-11T09:00Z"), slots("0 0 9 ? * 5#2", "UTC", "2025-03-01T12:00:00Z", 2));
    assertEquals(List.of("2025-03-01T12:00:01Z", "2025-03-01T12:00:02Z"), slots("* * * * * *", "UTC", "2025-03-01T12:00:00Z", 2));
  }

  @Test
  void springForwardSkipsTheMissingWallTimeAndKeepsHourlyOnRealHours() {
    // America/New_York, 2025-03-09: 02:00 EST jumps to 03:00 EDT
    assertEquals(List.of("2025-03-08T02:30-05:00", "2025-03-10T02:30-04:00"),
        slots("0 30 2 * * *", "America/New_York", "2025-03-07T12:00:00-05:00", 2));
    assertEquals(List.of("2025-03-09T01:00-05:00", "2025-03-09T03:00-04:00", "2025-03-09T04:00-04:00"),
        slots("0 0 * * * *", "America/New_York", "2025-03-09T00:30:00-05:00", 3));
    assertEquals(List.of("2025-03-09T09:00-04:00"), slots("0 0 9 * * *", "America/New_York", "2025-03-08T12:00:00-05:00", 1));
  }

  @Test
  void fallBackFiresADailyTimeOnceAndHourlyOnBothRealHours() {
    // America/New_York, 2025-11-02: 02:00 EDT falls back to 01:00 EST, 01:xx happens twice
    assertEquals(List.of("2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00"),
        slots("0 30 1 * * *", "America/New_York", "2025-11-01T12:00:00-04:00", 2));
    assertEquals(List.of("2025-11-02T01:00-04:00", "2025-11-02T01:00-05:00", "2025-11-02T02:00-05:00"),
        slots("0 0 * * * *", "America/New_York", "2025-11-02T00:30:00-04:00", 3));
    // Europe/Berlin, 2025-10-26: 03:00 CEST falls back to 02:00 CET
    assertEquals(List.of("2025-10-26T02:30+02:00", "2025-10-27T02:30+01:00"),
        slots("0 30 2 * * ?", "Europe/Berlin", "2025-10-25T12:00:00Z", 2));
  }

  @Test
  void invalidExpressionsAndZonesAreA400NamingThem() {
    for (String bad : new String[] {"0 0 9 * *", "61 * * * * *", "x", "0 0 9 * * MON-FRI 2025", "0 0 25 * * *", ""}) {
      ConductorException e = assertThrows(ConductorException.class, () -> Cron.parse(bad), bad);
      assertEquals(400, e.status());
      assertTrue(e.getMessage().startsWith("Invalid cron expression"), e.getMessage());
    }
    ConductorException zone = assertThrows(ConductorException.class, () -> Cron.zone("Mars/Olympus"));
    assertEquals(400, zone.status());
    assertTrue(zone.getMessage().contains("Mars/Olympus"), zone.getMessage());
  }

  @Test
  void aCronThatNeverMatchesHasNoNextSlot() {
    assertNull(Cron.next(new CronSchedule("0 0 0 30 2 ?", "UTC"), at("2025-01-01T00:00:00Z")));
  }
}
