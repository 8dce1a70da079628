import { describe, expect, it } from "vitest";
import type { AppointmentStatus, AppointmentView } from "~/booking/appointments.server";
import type { BookableType, FreeTime } from "~/booking/booking.server";
import { renderStatic } from "~/components/test-render";
import { AppointmentActions, NotBooked, Waiting } from "./appointment-actions";
import { AppointmentFacts, AppointmentList } from "./appointment-facts";
import { ConfirmBooking, TypeChoice, UnitChoice } from "./book-steps";
import { EarlierTime } from "./earlier-time";
import { bookLink, MoveButton, WeekOfTimes, type WeekView } from "./free-times";

const EVIL = `<img src=x onerror="alert(1)">`;

function appointment(over: Partial<AppointmentView> = {}): AppointmentView {
  return {
    id: "a-1",
    appointmentId: "a-1",
    startsAt: "2026-12-08T10:00:00.000Z",
    endsAt: "2026-12-08T10:30:00.000Z",
    status: "booked",
    refusal: null,
    changeRefused: null,
    movingTo: null,
    appointmentTypeId: "t-1",
    typeName: "Besök på barnavårdscentralen",
    preparation: "Ta med barnets hälsobok.",
    unit: { id: "u-1", name: "Närhälsan Kungshöjd BVC", providerKind: "region", address: "Kungsgatan 1", city: "Göteborg", phone: "010-473 00 00" },
    practitionerName: "Åsa Nyström",
    changeableUntil: "2026-12-07T10:00:00.000Z",
    cancel: null,
    reschedule: null,
    version: 1,
    ...over,
  };
}

const time = (slotId: string, startsAt: string): FreeTime => ({ slotId, startsAt, endsAt: startsAt, practitionerName: "Åsa Nyström" });

const TYPE: BookableType = {
  id: "t-1",
  name: "Besök på barnavårdscentralen",
  preparation: "Ta med barnets hälsobok.",
  deadlineHours: 24,
  unit: { id: "u-1", name: "Närhälsan Kungshöjd BVC", providerKind: "region", address: "Kungsgatan 1", city: "Göteborg", inCare: true },
};

/** Every id the markup uses: each once, and every label and reference points at one of them. */
function expectIdsSound(markup: string) {
  const ids = [...markup.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
  for (const m of markup.matchAll(/ (?:for|aria-labelledby|aria-describedby)="([^"]+)"/g)) for (const id of m[1]!.split(" ")) expect(ids).toContain(id);
}

describe("an appointment's facts", () => {
  it("say when (Swedish time, with the weekday), where, what, with whom, its state and until when it can be changed", async () => {
    const out = await renderStatic(<AppointmentFacts appointment={appointment()} full />);
    for (const text of [
      `<time dateTime="2026-12-08T10:00:00.000Z">tisdag 8 december 2026 kl. 11:00</time>`,
      "Närhälsan Kungshöjd BVC",
      "(Region)",
      "Kungsgatan 1, Göteborg",
      "Besök på barnavårdscentralen",
      "Åsa Nyström",
      "Bokad",
      "Ta med barnets hälsobok.",
    ])
      expect(out).toContain(text);
    expect(out).toMatch(/Går att ändra på webben till och med 7 december 2026 (kl\. )?11:00\./);
    const en = await renderStatic(<AppointmentFacts appointment={appointment()} />, { lng: "en" });
    expect(en).toContain("Tuesday, 8 December 2026 at 11:00");
    expect(en).toMatch(/Can be changed online until 7 December 2026(,| at) 11:00\./);
    expect(en).not.toContain("hälsobok");
  });

  it.each(["deadline_passed", "started"] as const)("do not say until when it can be changed once that is over (%s)", async (refusal) => {
    const out = await renderStatic(<AppointmentFacts appointment={appointment({ cancel: refusal, reschedule: refusal })} full />);
    expect(out).toContain("Bokad");
    expect(out).not.toContain("Går att ändra på webben till och med");
  });

  it.each([
    ["confirming", "Bekräftas…", "Being confirmed…"],
    ["not_booked", "Kunde inte bokas", "Could not be booked"],
    ["booked", "Bokad", "Booked"],
    ["moving", "Ombokas till onsdag 9 december 2026 kl. 09:30…", "Being moved to Wednesday, 9 December 2026 at 09:30…"],
    ["cancelling", "Avbokas…", "Being cancelled…"],
    ["cancelled", "Avbokad", "Cancelled"],
    ["arrived", "Du har anmält dig", "Checked in"],
    ["fulfilled", "Genomfört", "Attended"],
    ["noshow", "Uteblivet besök", "Missed visit"],
  ] as [AppointmentStatus, string, string][])("name the state %s in words, in both languages", async (status, sv, en) => {
    const a = appointment({ status, movingTo: status === "moving" ? { startsAt: "2026-12-09T08:30:00.000Z", endsAt: "2026-12-09T09:00:00.000Z" } : null });
    expect(await renderStatic(<AppointmentFacts appointment={a} />)).toContain(`appointment-status--${status}">${sv}<`);
    expect(await renderStatic(<AppointmentFacts appointment={a} />, { lng: "en" })).toContain(`>${en}<`);
  });

  it("list each appointment under a heading linking to its page, or say there are none; clinical text escaped", async () => {
    const out = await renderStatic(<AppointmentList appointments={[appointment({ typeName: EVIL }), appointment({ id: "b/2" })]} empty="Inga" />);
    expect(out).toContain(`<a href="/appointments/a-1"><time dateTime="2026-12-08T10:00:00.000Z">`);
    expect(out).toContain(`<a href="/appointments/b%2F2">`);
    expect(out).not.toContain("<img");
    expect(await renderStatic(<AppointmentList appointments={[]} empty="Inga" />)).toBe("<p>Inga</p>");
  });
});

describe("what can be done with an appointment", () => {
  it("offers rescheduling, the calendar file and a labelled cancel form when it can be changed", async () => {
    const out = await renderStatic(<AppointmentActions appointment={appointment()} errors={{}} />);
    expect(out).toContain(`href="/appointments/a-1/reschedule">Omboka</a>`);
    expect(out).toContain(`href="/appointments/a-1/calendar.ics"`);
    expect(out).toMatch(/<form method="post" action="\/"[^>]*>.*name="intent" value="cancel"/);
    expect(out).toMatch(/<label for="[^"]+">Anledning \(frivilligt\)<\/label>/);
    expect(out).toContain(`maxLength="500"`);
    expect(out).toContain(">Avboka tiden</button>");
    expectIdsSound(out);
  });

  it.each(["deadline_passed", "started", "no_deadline", "not_allowed"] as const)("says plainly why not (%s), with the unit's phone number to call", async (reason) => {
    const out = await renderStatic(<AppointmentActions appointment={appointment({ cancel: reason, reschedule: reason })} errors={{}} />);
    expect(out).toContain(`<a href="tel:0104730000">010-473 00 00</a>`);
    expect(out).toContain("Ring Närhälsan Kungshöjd BVC:");
    expect(out).not.toContain("Avboka tiden");
    expect(out).not.toContain("/reschedule");
    const en = await renderStatic(<AppointmentActions appointment={appointment({ cancel: reason, reschedule: reason, unit: { ...appointment().unit!, phone: null } })} errors={{}} />, { lng: "en" });
    expect(en).toContain("Call the clinic or 1177");
  });

  it("shows the cancel form's errors by their fields, each field described by its error", async () => {
    const out = await renderStatic(<AppointmentActions appointment={appointment()} errors={{ reason: { key: "booking:errors.reason_too_long" }, form: { key: "booking:errors.not_changeable" } }} />);
    expect(out).toMatch(/<textarea id="([^"]+)" name="reason" rows="3" maxLength="500" aria-describedby="[^"]+-hint [^"]+-reason-error" aria-invalid="true">/);
    expect(out).toMatch(/id="[^"]+-reason-error">Skriv högst 500 tecken.<\/p>/);
    expect(out).toMatch(/aria-describedby="[^"]+-form-error">Avboka tiden<\/button>/);
    expect(out).toContain("Tiden går inte att ändra på webben just nu.");
    expectIdsSound(out);
  });

  it("while waiting for the clinical system: says so, with a plain link to look again (no automatic refresh)", async () => {
    for (const status of ["confirming", "moving", "cancelling"] as const) {
      const out = await renderStatic(<Waiting appointment={appointment({ status })} />);
      expect(out).toContain("Vi väntar på att mottagningens system ska bekräfta.");
      expect(out).toContain(`<a href="/appointments/a-1">Uppdatera</a>`);
      expect(out).not.toContain("http-equiv");
    }
    expect(await renderStatic(<Waiting appointment={appointment()} />)).toBe("");
  });

  it("tells why a booking was not made, and offers the next free times of its type", async () => {
    const times = [time("s-1", "2026-12-10T08:00:00.000Z"), time("s 2", "2026-12-11T08:00:00.000Z")];
    const taken = await renderStatic(<NotBooked appointment={appointment({ status: "not_booked", refusal: "taken" })} otherTimes={times} />);
    expect(taken).toContain("Tiden hann bokas av någon annan.");
    expect(taken).toContain(`href="/appointments/book/confirm?slot=s-1"`);
    expect(taken).toContain(`href="/appointments/book/confirm?slot=s%202"`);
    const refused = await renderStatic(<NotBooked appointment={appointment({ status: "not_booked", refusal: "refused" })} otherTimes={[]} />, { lng: "en" });
    expect(refused).toContain("The clinic&#x27;s system did not accept the booking.");
    expect(refused).toContain("There are no other free times of this kind online right now.");
  });
});

const WEEK: WeekView = {
  index: 0,
  firstDay: "2026-12-07",
  lastDay: "2026-12-13",
  previous: null,
  next: 1,
  days: [
    { day: "2026-12-08", times: [time("s-1", "2026-12-08T08:00:00.000Z"), time("s-2", "2026-12-08T08:30:00.000Z")] },
    { day: "2026-12-09", times: [time("s-3", "2026-12-09T13:00:00.000Z")] },
  ],
};

describe("a week of free times", () => {
  it("heads each day with its weekday and date, each time a link to the confirmation page; weeks as plain links", async () => {
    const out = await renderStatic(<WeekOfTimes week={WEEK} path="/appointments/book/u-1/t-1" choose={bookLink} />);
    expect(out).toContain(`<time dateTime="2026-12-08">tisdag 8 december</time></h3>`);
    expect(out).toContain(`<a aria-label="Boka tisdag 8 december 2026 kl. 09:00" href="/appointments/book/confirm?slot=s-1"><time dateTime="2026-12-08T08:00:00.000Z">09:00</time>`);
    expect(out.match(/<h3 /g)).toHaveLength(2);
    expect(out).toContain(`<a rel="next" href="/appointments/book/u-1/t-1?week=1">Nästa vecka</a>`);
    expect(out).not.toContain(`rel="prev"`);
    // Before and after the times, each way between the weeks a landmark of its own name.
    expect([...out.matchAll(/<nav class="week-pager" aria-label="([^"]+)"/g)].map((m) => m[1])).toEqual(["Veckor", "Fler veckor, efter tiderna"]);
    expectIdsSound(out);
    const en = await renderStatic(<WeekOfTimes week={{ ...WEEK, index: 7, previous: 6, next: null, days: [] }} path="/x" choose={bookLink} />, { lng: "en" });
    expect(en).toContain("There are no free times this week.");
    expect(en).toContain(`<a rel="prev" href="/x?week=6">Previous week</a>`);
    expect(en).not.toContain(`rel="next"`);
  });

  it("offers a time as a button that moves the appointment, described by the error about it", async () => {
    const out = await renderStatic(<MoveButton time={time("s-1", "2026-12-08T08:00:00.000Z")} label="time" errorId="move-error" />, { lng: "en" });
    expect(out).toContain(`name="intent" value="move"`);
    expect(out).toContain(`name="slot" value="s-1"`);
    expect(out).toContain(`aria-label="Move to Tuesday, 8 December 2026 at 09:00" aria-describedby="move-error"`);
  });
});

describe("booking's steps", () => {
  it("list the units in care first, then those open to everyone, and the types with how to prepare", async () => {
    const open = { ...TYPE.unit, id: "u-2", name: "Vaccinationscentralen", inCare: false };
    const units = await renderStatic(<UnitChoice inCare={[TYPE.unit]} open={[open]} />);
    expect(units.indexOf("Mottagningar där du får vård")).toBeLessThan(units.indexOf("Öppna för alla"));
    expect(units).toContain(`<a href="/appointments/book/u-2">Vaccinationscentralen</a>`);
    expectIdsSound(units);
    expect(await renderStatic(<UnitChoice inCare={[]} open={[]} />, { lng: "en" })).toContain("There are no clinics to book online right now.");
    const types = await renderStatic(<TypeChoice unitId="u-1" types={[TYPE]} />);
    expect(types).toContain(`<a href="/appointments/book/u-1/t-1">Besök på barnavårdscentralen</a>`);
    expect(types).toContain("Ta med barnets hälsobok.");
  });

  it("repeat what will be booked, with the deadline rule, the subject in a hidden field and a labelled reason", async () => {
    const page = { slotId: "s-1", subject: "p-elsa", chosen: { time: time("s-1", "2026-12-08T08:00:00.000Z"), type: TYPE }, error: null };
    const out = await renderStatic(<ConfirmBooking page={page} errors={{}} otherTimes={null} />);
    for (const text of ["tisdag 8 december 2026 kl. 09:00", "Närhälsan Kungshöjd BVC", "Kungsgatan 1, Göteborg", "Åsa Nyström", "Ta med barnets hälsobok.", "Tiden går att ändra på webben till och med 24 timmar före besöket."])
      expect(out).toContain(text);
    expect(out).toContain(`<input type="hidden" name="subject" value="p-elsa"/>`);
    expect(out).toContain(`<input type="hidden" name="slot" value="s-1"/>`);
    expect(out).toMatch(/<label for="[^"]+">Vad gäller besöket\? \(frivilligt\)<\/label>/);
    expect(out).not.toContain('role="alert"');
    expectIdsSound(out);
    expect(await renderStatic(<ConfirmBooking page={{ ...page, chosen: { ...page.chosen, type: { ...TYPE, deadlineHours: null } } }} errors={{}} otherTimes={null} />, { lng: "en" })).toContain(
      "Once booked, the time cannot be changed online.",
    );
  });

  it.each([
    ["slot_taken", "Tiden har just bokats av någon annan. Välj en annan tid."],
    ["slot_past", "Tiden har redan passerat. Välj en annan tid."],
    ["overlap", "Det finns redan en bokad tid som krockar med den här. Välj en annan tid."],
    ["subject_changed", "Du har bytt vems uppgifter som visas, kanske i en annan flik. Ingenting har ändrats."],
  ])("tell a refusal (%s) by the time, describing the button, with other free times", async (error, text) => {
    const page = { slotId: "s-1", subject: "p-elsa", chosen: { time: time("s-1", "2026-12-08T08:00:00.000Z"), type: TYPE }, error: null };
    const field = error === "subject_changed" ? "form" : "slot";
    const out = await renderStatic(<ConfirmBooking page={page} errors={{ [field]: { key: `booking:errors.${error}` } }} otherTimes={[time("s-9", "2026-12-09T08:00:00.000Z")]} reason="ont" />);
    expect(out).toContain(text);
    expect(out).toMatch(/<p class="field-error" id="([^"]+-time-error)">/);
    expect(out).toMatch(/aria-describedby="[^"]+-time-error">Boka tiden<\/button>/);
    expect(out).toContain(`href="/appointments/book/confirm?slot=s-9"`);
    expect(out).toContain(">ont</textarea>");
    expectIdsSound(out);
  });

  it("tell a time that cannot be booked at all, with the way back, and a reason too long by its field", async () => {
    const unknown = await renderStatic(<ConfirmBooking page={{ slotId: "x", subject: "p", chosen: null, error: { key: "booking:errors.slot_unknown" } }} errors={{}} otherTimes={null} />, { lng: "en" });
    expect(unknown).toContain("This time cannot be booked.");
    expect(unknown).toContain(`<a href="/appointments/book">Choose another time</a>`);
    expect(unknown).not.toContain("<form");
    const page = { slotId: "s-1", subject: "p-elsa", chosen: { time: time("s-1", "2026-12-08T08:00:00.000Z"), type: TYPE }, error: null };
    const long = await renderStatic(<ConfirmBooking page={page} errors={{ reason: { key: "booking:errors.reason_too_long" } }} otherTimes={[]} />);
    expect(long).toMatch(/name="reason" rows="4" maxLength="500" aria-describedby="[^"]+-hint [^"]+-reason-error" aria-invalid="true"/);
    expect(long).toContain("Skriv högst 500 tecken.");
    expectIdsSound(long);
  });
});

describe("an earlier time", () => {
  const offer = { bookingId: "b-1", time: time("s-2", "2026-12-08T08:00:00.000Z"), expiresAt: "2026-12-07T11:00:00.000Z" };

  it("is asked for, waited for, then offered with its deadline and two buttons, each a form of its own", async () => {
    const ask = await renderStatic(<EarlierTime appointment={appointment()} earlier={{ waiting: false, offer: null }} />);
    expect(ask).toContain(`<input type="hidden" name="intent" value="ask-earlier"/>`);
    expect(ask).toContain("Erbjud mig en tidigare tid");
    const waiting = await renderStatic(<EarlierTime appointment={appointment()} earlier={{ waiting: true, offer: null }} />, { lng: "en" });
    expect(waiting).toContain("You are in line for an earlier time.");
    expect(waiting).toContain(`value="stop-earlier"`);
    const offered = await renderStatic(<EarlierTime appointment={appointment()} earlier={{ waiting: true, offer }} />);
    expect(offered).toContain("tisdag 8 december 2026 kl. 09:00");
    expect(offered).toContain(`value="take-offer"`);
    expect(offered).toContain(`value="decline-offer"`);
    expectIdsSound(offered);
  });

  it("is not offered for an appointment that cannot be moved online", async () => {
    expect(await renderStatic(<EarlierTime appointment={appointment({ reschedule: "deadline_passed" })} earlier={{ waiting: true, offer }} />)).toBe("");
  });
});
