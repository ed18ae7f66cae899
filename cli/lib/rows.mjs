// A CSV of recipients (or of exported messages) → engine Notifications, row by row: shared by
// cli/bulk.mjs and cli/replay.mjs. A bad row becomes `{row, line, error}` and never stops
// the others; a bad header is a UsageError.

import {UsageError, parseBool} from "./common.mjs";
import {readCsv} from "./csv.mjs";

/** Reserved columns by normalized header name; every other column is a template value. */
const COLUMNS = {
  phone: "phone",
  name: "name",
  metaoptin: "metaOptIn",
  optedout: "optedOut",
  template: "template",
  forceprovider: "forceProvider",
  idempotencykey: "idempotencyKey",
  optinurl: "optInUrl",
};
const normalizeHeader = (h) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, "");

/** What each header column means; throws a UsageError when no row could be read. */
function readHeader(fields, defaultTemplate, extra) {
  const columns = fields.map((h) => {
    const reserved = COLUMNS[normalizeHeader(h)] ?? extra[normalizeHeader(h)];
    return reserved ? {reserved} : {value: h.trim()};
  });
  const seen = new Set();
  for (const c of columns) {
    const key = c.reserved ?? `value:${c.value}`;
    if (c.value === "") throw new UsageError("the header has an empty column name");
    if (seen.has(key))
      throw new UsageError(`the header names ${c.reserved ?? c.value} twice`);
    seen.add(key);
  }
  if (!seen.has("phone")) throw new UsageError("the header has no phone column");
  if (!seen.has("template") && !defaultTemplate) {
    throw new UsageError(
      "the header has no template column: add one or pass --template"
    );
  }
  return columns;
}

class RowError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** One CSV record → a Notification (throws RowError for what the engine would not see). */
function notificationFrom(columns, fields, defaultTemplate, extraKeys) {
  if (fields.length !== columns.length) {
    throw new RowError(
      "csv.field_count",
      `expected ${columns.length} fields as in the header, got ${fields.length}`
    );
  }
  const n = {template: "", recipient: {phone: ""}, values: {}};
  columns.forEach((c, i) => {
    const cell = fields[i].trim();
    if (extraKeys.has(c.reserved)) return;
    if (c.value !== undefined) {
      if (cell !== "") n.values[c.value] = cell;
      return;
    }
    switch (c.reserved) {
      case "phone":
      case "name":
      case "optInUrl":
        if (cell !== "") n.recipient[c.reserved] = cell;
        break;
      case "metaOptIn":
      case "optedOut": {
        const b = parseBool(cell);
        if (b === undefined)
          throw new RowError(
            "csv.invalid_value",
            `${c.reserved}: ${JSON.stringify(cell)} is not yes/no`
          );
        n.recipient[c.reserved] = b;
        break;
      }
      default:
        if (cell !== "") n[c.reserved] = cell;
    }
  });
  n.template ||= defaultTemplate ?? "";
  if (!n.template)
    throw new RowError(
      "csv.invalid_value",
      "no template: the template cell is empty and --template is not given"
    );
  return n;
}

/**
 * Parse the CSV into rows: `{row, line, notification, extra}` or `{row, line, error}`.
 * `extraColumns` maps more normalized header names to keys the caller reads from `extra` instead
 * of taking them as template values (replay's `ref`).
 */
export function readRows(text, {delimiter, defaultTemplate, extraColumns = {}}) {
  const records = readCsv(text, {delimiter});
  const first = records.next();
  if (first.done) throw new UsageError("the CSV is empty: it needs a header row");
  if (first.value.error)
    throw new UsageError(`the header row is malformed: ${first.value.error}`);
  const columns = readHeader(first.value.fields, defaultTemplate, extraColumns);
  const extraKeys = new Set(Object.values(extraColumns));
  const rows = [];
  for (const r of records) {
    if (r.error) {
      rows.push({
        row: r.row,
        line: r.line,
        error: {code: "csv.malformed", message: r.error},
      });
      continue;
    }
    if (r.fields.every((f) => f.trim() === "")) continue; // a spreadsheet's trailing ",,,," line
    try {
      const notification = notificationFrom(
        columns,
        r.fields,
        defaultTemplate,
        extraKeys
      );
      const extra = {};
      columns.forEach((c, i) => {
        if (extraKeys.has(c.reserved)) extra[c.reserved] = r.fields[i].trim();
      });
      rows.push({row: r.row, line: r.line, notification, extra});
    } catch (e) {
      rows.push({row: r.row, line: r.line, error: {code: e.code, message: e.message}});
    }
  }
  return rows;
}
