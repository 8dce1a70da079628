// Temporary: the full module (with tests) arrives from branch h/rules.
export const BOOKING_WEEKS = 8;
export type ChangeRefusal = "not_active" | "started" | "deadline_passed" | "not_allowed" | "no_deadline";
export interface ChangeFacts {
  now: Date;
  startsAt: Date;
  active: boolean;
  deadlineHours: number | null;
  cancelable: boolean;
  reschedulable: boolean;
}
export interface ChangeOptions {
  deadline: Date | null;
  cancel: ChangeRefusal | null;
  reschedule: ChangeRefusal | null;
}
export function changeDeadline(startsAt: Date, deadlineHours: number | null): Date | null {
  return deadlineHours === null ? null : new Date(startsAt.getTime() - deadlineHours * 3600_000);
}
export function changeOptions(f: ChangeFacts): ChangeOptions {
  const deadline = changeDeadline(f.startsAt, f.deadlineHours);
  const common: ChangeRefusal | null = !f.active ? "not_active" : f.now >= f.startsAt ? "started" : !deadline ? "no_deadline" : f.now >= deadline ? "deadline_passed" : null;
  return { deadline, cancel: common ?? (f.cancelable ? null : "not_allowed"), reschedule: common ?? (f.reschedulable ? null : "not_allowed") };
}
export interface BookingWeek { index: number; from: Date; to: Date; firstDay: string; lastDay: string }
export function bookingWeek(now: Date, index: number): BookingWeek | null {
  if (!Number.isInteger(index) || index < 0 || index >= BOOKING_WEEKS) return null;
  const monday = new Date(now.getTime() - ((now.getUTCDay() + 6) % 7) * 86400_000 + index * 7 * 86400_000);
  const day = monday.toISOString().slice(0, 10);
  const from = index === 0 ? now : new Date(`${day}T00:00:00+01:00`);
  const to = new Date(new Date(`${day}T00:00:00+01:00`).getTime() + 7 * 86400_000);
  return { index, from, to, firstDay: day, lastDay: new Date(to.getTime() - 86400_000).toISOString().slice(0, 10) };
}
export function groupByDay<T extends { startsAt: string }>(times: readonly T[]): { day: string; times: T[] }[] {
  const days = new Map<string, T[]>();
  for (const t of [...times].sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
    const day = new Date(t.startsAt).toLocaleDateString("sv-SE", { timeZone: "Europe/Stockholm" });
    days.set(day, [...(days.get(day) ?? []), t]);
  }
  return [...days].map(([day, ts]) => ({ day, times: ts }));
}
