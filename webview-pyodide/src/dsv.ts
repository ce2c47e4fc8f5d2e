/**
 * Delimited text (CSV, TSV, any delimiter) for charts without eval: vega-loader parses it with d3-dsv, whose row
 * objects are built by `new Function`, which the panel's CSP refuses. This parser (RFC 4180: quoted fields, doubled
 * quotes, CRLF or LF) backs the "csv", "tsv" and "dsv" readers charts.ts gives Vega; Vega still infers the column
 * types. No imports, so the Node tests load it as it is.
 */

/** The rows of a delimited text, each a list of fields. */
export function parseRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = "";
      fieldStart = true;
      i++;
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStart = true;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      fieldStart = false;
      i++;
    }
  }
  if (field !== "" || !fieldStart || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Objects keyed by the header row (own properties only, so a column named __proto__ is just a column). */
export function parseObjects(text: string, delimiter: string): Record<string, string>[] {
  const [header, ...rows] = parseRows(text, delimiter);
  if (header === undefined) return [];
  return rows.map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ""])));
}

interface DsvFormat {
  readonly delimiter?: string;
  readonly header?: readonly string[];
}

/** A Vega format reader for delimited text: a fixed delimiter, or (undefined) the format's own. */
export function dsvReader(fixed: string | undefined) {
  const read = (data: unknown, format: DsvFormat | undefined): Record<string, string>[] => {
    const delimiter = fixed ?? format?.delimiter ?? ",";
    if (delimiter.length !== 1) throw new Error(`a delimiter must be one character, got '${delimiter}'`);
    const header = format?.header === undefined ? "" : `${format.header.join(delimiter)}\n`;
    return parseObjects(header + String(data), delimiter);
  };
  return Object.assign(read, { responseType: "text" });
}
