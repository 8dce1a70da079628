/**
 * A table that may be wider than a phone's screen scrolls sideways in this region instead of the page (WCAG 1.4.10):
 * focusable, so that the keyboard scrolls it, and named by the table's caption. (The trend's table is the same region,
 * built by the server: record/markup/trend.server.ts.)
 */
export function TableRegion({ captionId, children }: { captionId: string; children: React.ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      {children}
    </div>
  );
}
