import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { demoCast } from "~/feed/demo/cast";
import { generateDemoResources } from "~/feed/demo/generate";
import { DEMO_EXTRA_PATIENTS } from "~/feed/demo/load.server";
import { ingestStream } from "~/feed/ingest.server";
import { i18nFor } from "~/i18n/i18next.server";
import { listCast, type CastMember } from "./cast.server";
import { loginPage } from "./pages.server";

/** The development identity provider's list of the people of the demo data, as `npm start` loads them. */
const TODAY = new Date("2026-03-15T10:00:00Z");

let database: TestDatabase;
let listed: CastMember[];

beforeAll(async () => {
  database = await createTestDatabase();
  const people = [...generateDemoResources({ today: TODAY, patients: DEMO_EXTRA_PATIENTS, catalogue: false })].filter(
    (r) => r.resourceType === "Patient" || r.resourceType === "RelatedPerson",
  );
  await ingestStream(database.db, people, { source: "demo" });
  listed = await listCast(database.db, TODAY);
});

afterAll(async () => {
  await database?.destroy();
});

/** The text of each person's button on the login page, by personnummer. */
function buttons(lng: "sv" | "en"): Map<string, string> {
  const html = loginPage({ lng, otherLng: lng === "sv" ? "en" : "sv", uid: "test", cast: listed, t: i18nFor(lng).getFixedT(lng, "dev-idp") });
  const found = new Map<string, string>();
  for (const m of html.matchAll(/<button type="submit" name="personnummer" value="(\d{12})" class="person">([\s\S]*?)<\/button>/g)) {
    const text = m[2]!.replace(/<[^>]+>/g, " ").replace(/&(#39|quot|lt|gt|amp);/g, (_, e: string) => ({ "#39": "'", quot: '"', lt: "<", gt: ">", amp: "&" })[e]!);
    found.set(m[1]!, text.replace(/\s+/g, " ").trim());
  }
  return found;
}

describe("the development identity provider's list of people", () => {
  it("names everyone differently", () => {
    expect(listed).toHaveLength(demoCast.filter((c) => c.patientId).length + DEMO_EXTRA_PATIENTS);
    const names = listed.map((m) => `${m.givenName} ${m.familyName}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(["sv", "en"] as const)("says in %s what each person of the cast shows, and who is blocked from a child", (lng) => {
    const t = i18nFor(lng).getFixedT(lng, "dev-idp");
    const shown = buttons(lng);
    for (const member of listed.filter((m) => m.castKey)) {
      expect(shown.get(member.personnummer), member.castKey!).toContain(t(`devIdp.cast.${member.castKey}`));
    }
    expect(listed.filter((m) => m.castKey)).toHaveLength(demoCast.filter((c) => c.patientId).length);
    const blocked = listed.find((m) => m.castKey === "blockedGuardian")!;
    expect(shown.get(blocked.personnummer)).toContain(t("devIdp.note.refused.blocked"));
    const johan = listed.find((m) => m.castKey === "guardian")!;
    expect(shown.get(johan.personnummer)).toContain(t("devIdp.note.refused.age_13"));
  });
});
