import { afterEach, describe, expect, it } from "vitest";
import { calendarFile, type CalendarAppointment } from "./calendar.server";

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** RFC 5545 content lines: unfolded (CRLF + one space), split into name, parameters and value. */
function parse(ics: string): Property[] {
  return ics
    .replace(/\r\n /g, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      const [name = "", ...params] = line.slice(0, colon).split(";");
      return {
        name,
        params: Object.fromEntries(params.map((p) => p.split("=") as [string, string])),
        value: line.slice(colon + 1),
      };
    });
}

/** The properties of one component (the first BEGIN:`component` … END:`component`), nested ones included. */
function component(properties: Property[], name: string): Property[] {
  const start = properties.findIndex((p) => p.name === "BEGIN" && p.value === name);
  const end = properties.findIndex((p, i) => i > start && p.name === "END" && p.value === name);
  expect(start).toBeGreaterThanOrEqual(0);
  return properties.slice(start + 1, end);
}

function one(properties: Property[], name: string): Property {
  const found = properties.filter((p) => p.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

/** iCalendar TEXT unescaped. */
const text = (value: string) => value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));

function appointment(overrides: Partial<CalendarAppointment> = {}): CalendarAppointment {
  return {
    uid: "appointment-7f3c@invanare.vgregion.example",
    sequence: 2,
    cancelled: false,
    start: new Date("2027-01-20T09:00:00Z"),
    end: new Date("2027-01-20T09:30:00Z"),
    summary: "Provtagning",
    location: "Vårdcentralen Högsbo, Kungsgatan 12, 411 19 Göteborg",
    description: null,
    stamp: new Date("2027-01-10T12:34:56Z"),
    ...overrides,
  };
}

describe("calendarFile", () => {
  const serverZone = process.env.TZ;
  afterEach(() => {
    if (serverZone === undefined) delete process.env.TZ;
    else process.env.TZ = serverZone;
  });

  it("publishes one event with its UID, SEQUENCE, DTSTAMP in UTC, LOCATION and URL", () => {
    const ics = calendarFile(appointment({ url: "https://portal.example/bokningar/7f3c" }));
    const all = parse(ics);
    expect(all[0]).toMatchObject({ name: "BEGIN", value: "VCALENDAR" });
    expect(one(all, "VERSION").value).toBe("2.0");
    expect(one(all, "METHOD").value).toBe("PUBLISH");
    const event = component(all, "VEVENT");
    expect(one(event, "UID").value).toBe("appointment-7f3c@invanare.vgregion.example");
    expect(one(event, "SEQUENCE").value).toBe("2");
    expect(one(event, "DTSTAMP").value).toBe("20270110T123456Z");
    expect(text(one(event, "LOCATION").value)).toBe("Vårdcentralen Högsbo, Kungsgatan 12, 411 19 Göteborg");
    expect(one(event, "URL").value).toBe("https://portal.example/bokningar/7f3c");
    expect(one(event, "STATUS").value).toBe("CONFIRMED");
    expect(event.filter((p) => p.name === "DESCRIPTION")).toEqual([]);
  });

  it("a new version keeps the UID and raises the SEQUENCE", () => {
    const first = component(parse(calendarFile(appointment({ sequence: 1 }))), "VEVENT");
    const moved = component(parse(calendarFile(appointment({ sequence: 2, start: new Date("2027-01-21T09:00:00Z") }))), "VEVENT");
    expect(one(moved, "UID").value).toBe(one(first, "UID").value);
    expect(Number(one(moved, "SEQUENCE").value)).toBeGreaterThan(Number(one(first, "SEQUENCE").value));
  });

  it("writes Swedish wall time with TZID=Europe/Stockholm on both sides of summer time", () => {
    const cases = [
      // Winter (UTC+1), the Saturday before spring forward and the Sunday after it (UTC+2).
      ["2027-01-20T09:00:00Z", "20270120T100000"],
      ["2027-03-27T09:00:00Z", "20270327T100000"],
      ["2027-03-28T08:00:00Z", "20270328T100000"],
      // The Saturday before fall back (UTC+2) and the Sunday after it (UTC+1).
      ["2027-10-30T08:00:00Z", "20271030T100000"],
      ["2027-10-31T09:00:00Z", "20271031T100000"],
    ] as const;
    for (const [instant, wall] of cases) {
      const start = new Date(instant);
      const event = component(parse(calendarFile(appointment({ start, end: new Date(start.getTime() + 30 * 60_000) }))), "VEVENT");
      expect(one(event, "DTSTART"), instant).toEqual({ name: "DTSTART", params: { TZID: "Europe/Stockholm" }, value: wall });
      expect(one(event, "DTEND").value, instant).toBe(wall.replace("T1000", "T1030"));
    }
  });

  it("does not depend on the server's time zone", () => {
    const inStockholm = calendarFile(appointment());
    process.env.TZ = "America/New_York";
    expect(calendarFile(appointment())).toBe(inStockholm);
    process.env.TZ = "Asia/Tokyo";
    expect(calendarFile(appointment())).toBe(inStockholm);
  });

  it("carries a VTIMEZONE for Europe/Stockholm with the EU summer-time rules", () => {
    const zone = component(parse(calendarFile(appointment())), "VTIMEZONE");
    expect(one(zone, "TZID").value).toBe("Europe/Stockholm");
    const daylight = component(zone, "DAYLIGHT");
    expect(one(daylight, "TZOFFSETFROM").value).toBe("+0100");
    expect(one(daylight, "TZOFFSETTO").value).toBe("+0200");
    expect(one(daylight, "RRULE").value).toBe("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
    expect(one(daylight, "DTSTART").value).toMatch(/T020000$/);
    const standard = component(zone, "STANDARD");
    expect(one(standard, "TZOFFSETFROM").value).toBe("+0200");
    expect(one(standard, "TZOFFSETTO").value).toBe("+0100");
    expect(one(standard, "RRULE").value).toBe("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
    expect(one(standard, "DTSTART").value).toMatch(/T030000$/);
  });

  it("a cancelled appointment: METHOD:CANCEL and STATUS:CANCELLED, same UID", () => {
    const all = parse(calendarFile(appointment({ cancelled: true, sequence: 3 })));
    expect(one(all, "METHOD").value).toBe("CANCEL");
    const event = component(all, "VEVENT");
    expect(one(event, "STATUS").value).toBe("CANCELLED");
    expect(one(event, "UID").value).toBe("appointment-7f3c@invanare.vgregion.example");
    expect(one(event, "SEQUENCE").value).toBe("3");
  });

  it("escapes commas, semicolons, backslashes and newlines in text", () => {
    const description = "Ta med: legitimation, remiss; och frikort.\nRing 010-123 45 67 vid förhinder.\r\nC:\\väntrum";
    const event = component(parse(calendarFile(appointment({ summary: "Blodprov, fastande; tidig tid", description }))), "VEVENT");
    expect(one(event, "SUMMARY").value).toBe("Blodprov\\, fastande\\; tidig tid");
    const raw = one(event, "DESCRIPTION").value;
    expect(raw).not.toMatch(/[\r\n]/);
    expect(text(raw)).toBe(description.replace("\r\n", "\n"));
  });

  it("ends every line with CRLF and folds lines at 75 octets without splitting å, ä, ö", () => {
    const description = "Pupillerna vidgas med droppar: kör inte bil på fyra timmar efter besöket. ".repeat(4) + "åäö".repeat(40);
    const ics = calendarFile(appointment({ description, location: "Åsa vårdcentral, Östra Hamngatan 1, 411 10 Göteborg".repeat(2) }));
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = ics.split("\r\n");
    for (const line of lines) expect(Buffer.byteLength(line, "utf8"), line).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l.startsWith(" ")).length).toBeGreaterThan(4);
    // Counted in octets: a line of two-byte letters holds fewer of them than 75.
    expect(lines.some((l) => /^ [åäö]+$/.test(l) && [...l].length < 75)).toBe(true);
    expect(text(one(component(parse(ics), "VEVENT"), "DESCRIPTION").value)).toBe(description);
  });
});
