import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from "@medplum/fhirtypes";
import type { EntryResult, IngestReport } from "./ingest.server";

/** The feed's answers, as FHIR: an OperationOutcome, or a batch-/transaction-response Bundle. */

export function problem(code: OperationOutcomeIssue["code"], diagnostics: string, expression?: string | null): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: code === "informational" ? "information" : "error", code, diagnostics, ...(expression ? { expression: [expression] } : {}) }],
  };
}

export function summaryText(report: IngestReport): string {
  const skipped = report.skipped.map((s) => `${s.count} ${s.reason}`).join(", ");
  const skippedTotal = report.skipped.reduce((sum, s) => sum + s.count, 0);
  return (
    `Received ${report.received}: stored ${report.stored} (created ${report.created}, updated ${report.updated}), ` +
    `unchanged ${report.unchanged}, deleted ${report.deleted}, skipped ${skippedTotal}` +
    `${skipped ? ` (${skipped})` : ""}, rejected ${report.rejectedCount}`
  );
}

function label(e: EntryResult): string {
  return `${e.resourceType ?? "?"}/${e.id ?? "?"}`;
}

function entryIssue(e: EntryResult): OperationOutcomeIssue {
  const where = e.location ? [e.location] : undefined;
  switch (e.outcome.kind) {
    case "created":
    case "updated":
    case "unchanged":
    case "deleted":
      return { severity: "information", code: "informational", diagnostics: `${label(e)}: ${e.outcome.kind}`, expression: where };
    case "skipped":
      return {
        severity: "warning",
        code: e.outcome.reason === "unsupported-type" ? "not-supported" : "informational",
        diagnostics: `${label(e)}: skipped (${e.outcome.reason})`,
        expression: where,
      };
    case "rejected":
      return {
        severity: "error",
        code: "invalid",
        diagnostics: `${label(e)}: rejected, kept in dead_letters: ${e.outcome.reason}`,
        expression: e.outcome.path ? [e.outcome.path] : where,
      };
  }
}

/** One issue with the totals, then one per entry in input order. */
export function reportOutcome(report: IngestReport, entries: EntryResult[]): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: report.rejectedCount ? "warning" : "information", code: "informational", diagnostics: summaryText(report) }, ...entries.map(entryIssue)],
  };
}

const STATUS: Record<EntryResult["outcome"]["kind"], string> = {
  created: "201 Created",
  updated: "200 OK",
  unchanged: "200 OK",
  deleted: "204 No Content",
  skipped: "200 OK",
  rejected: "422 Unprocessable Entity",
};

/**
 * The answer to a batch or transaction Bundle. The feed keeps valid entries even when others fail, so a transaction
 * is answered entry by entry like a batch.
 */
export function responseBundle(type: "batch-response" | "transaction-response", entries: EntryResult[]): Bundle {
  return {
    resourceType: "Bundle",
    type,
    entry: entries.map((e): BundleEntry => {
      const stored = e.outcome.kind === "created" || e.outcome.kind === "updated" || e.outcome.kind === "unchanged";
      return {
        response: {
          status: STATUS[e.outcome.kind],
          ...(stored && e.resourceType && e.id ? { location: `${e.resourceType}/${e.id}` } : {}),
          outcome: { resourceType: "OperationOutcome", issue: [entryIssue(e)] },
        },
      };
    }),
  };
}
