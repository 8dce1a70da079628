import { ymd } from "./dates";

/** The Luhn check digit over the ten digits YYMMDDNNN (the century is not part of the check). */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let v = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * A 12-digit personnummer (YYYYMMDDNNNC) for a birth day and a three-digit birth number. The demo uses birth numbers
 * 980-999 only, the series Skatteverket keeps for test personnummer, so no real person is ever named. The third digit
 * of the birth number is odd for men and even for women.
 */
export function testPersonnummer(birthDay: number, birthNumber: number): string {
  if (birthNumber < 980 || birthNumber > 999) throw new Error("test personnummer use birth numbers 980-999");
  const { year, month, day } = ymd(birthDay);
  const date = `${String(year).padStart(4, "0")}${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}`;
  const nine = `${date.slice(2)}${birthNumber}`;
  return `${date}${birthNumber}${luhnCheckDigit(nine)}`;
}

export function genderOfBirthNumber(birthNumber: number): "male" | "female" {
  return birthNumber % 2 === 1 ? "male" : "female";
}

/** YYYYMMDD-NNNC, as people write it. */
export function formatPersonnummer(twelveDigits: string): string {
  return `${twelveDigits.slice(0, 8)}-${twelveDigits.slice(8)}`;
}
