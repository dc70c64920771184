/**
 * Every CSV file the platform writes is made here (the finance reports, the audit export), so that all
 * of them are safe to open in a spreadsheet. Some cells hold text any API caller controls (the
 * User-Agent recorded with each read, a purpose's reference): a cell that begins with = + - @, a tab or
 * a carriage return would be taken as a formula (OWASP, "CSV Injection"). csv-stringify's
 * `escape_formulas` puts a single quote before such a cell, which spreadsheets show as text; a number
 * stays a number (a negative amount is no formula). A boolean is written as `true` or `false`:
 * csv-stringify's default writes `1` and an empty cell, and an empty cell is also how a missing value
 * is written, so a report's `false` (no conflict) would read as "not known".
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null;

/** A CSV file: a header line of `columns`, then one line per row. */
export function csvFile(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => [...row]),
    {
      header: true,
      columns: [...columns],
      escape_formulas: true,
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    },
  );
}
