// A small RFC 4180 CSV reader for recipient lists exported from spreadsheets: quoted fields with
// commas, doubled quotes and line breaks, CRLF or LF, a UTF-8 BOM, and `;` as the separator when
// the header uses it (spreadsheets in the Indonesian locale write `;` because `,` is the decimal
// mark). A malformed record becomes an error entry with its row number and reading resumes on
// the next line, so one bad row never hides the others.

/**
 * @typedef {{row: number, line: number, fields: string[]}} CsvRecord
 * @typedef {{row: number, line: number, error: string}} CsvError
 *
 * `row` counts records as a spreadsheet numbers rows (the header is row 1); `line` is the
 * physical line where the record starts (they differ after quoted line breaks or blank lines).
 */

function guessDelimiter(text) {
  const header = text.slice(0, text.search(/\r?\n|$/));
  return header.includes(";") && !header.includes(",") ? ";" : ",";
}

/** One record from `i`: its fields and where the next one starts, or an error. */
function readRecord(text, i, line, sep) {
  const fields = [];
  if (text[i] === "\n" || (text[i] === "\r" && text[i + 1] === "\n")) {
    return {blank: true, i: i + (text[i] === "\r" ? 2 : 1), line: line + 1};
  }
  for (;;) {
    let field = "";
    if (text[i] === '"') {
      const quoteLine = line;
      i += 1;
      for (;;) {
        if (i >= text.length)
          return {
            error: `quoted field ${fields.length + 1} opened on line ${quoteLine} is never closed`,
          };
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === "\n") line += 1;
        field += c;
        i += 1;
      }
      const after = text[i];
      if (
        i < text.length &&
        after !== sep &&
        after !== "\n" &&
        !(after === "\r" && text[i + 1] === "\n")
      ) {
        // A quote that "closes" lines later usually means the opening one was never closed.
        return {
          error:
            line > quoteLine
              ? `quoted field ${fields.length + 1} opened on line ${quoteLine} is not closed on that line (a missing quote?)`
              : `unexpected ${JSON.stringify(after)} after the closing quote of field ${fields.length + 1}`,
        };
      }
    } else {
      while (
        i < text.length &&
        text[i] !== sep &&
        text[i] !== "\n" &&
        !(text[i] === "\r" && text[i + 1] === "\n")
      ) {
        if (text[i] === '"') {
          return {
            error: `a quote inside unquoted field ${fields.length + 1} (quote the whole field and double the quote: "a ""b"" c")`,
          };
        }
        field += text[i];
        i += 1;
      }
    }
    fields.push(field);
    if (text[i] === sep) {
      i += 1;
      continue;
    }
    // End of record: a line break or the end of the text.
    if (text[i] === "\r") i += 1;
    if (text[i] === "\n") {
      i += 1;
      line += 1;
    }
    return {fields, i, line};
  }
}

function nextLine(text, i, line) {
  const nl = text.indexOf("\n", i);
  return nl < 0 ? {i: text.length, line} : {i: nl + 1, line: line + 1};
}

/** Split `text` into records. Blank lines are skipped. */
export function* readCsv(text, {delimiter} = {}) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const sep = delimiter ?? guessDelimiter(text);
  let i = 0;
  let line = 1;
  let row = 0;
  while (i < text.length) {
    const start = {i, line};
    const result = readRecord(text, i, line, sep);
    if (result.blank) {
      ({i, line} = result);
      continue;
    }
    row += 1;
    if (result.error) {
      yield {row, line: start.line, error: result.error};
      // Resume on the line after the one where the record started: an unterminated quote would
      // otherwise swallow the rest of the file.
      ({i, line} = nextLine(text, start.i, start.line));
      continue;
    }
    yield {row, line: start.line, fields: result.fields};
    ({i, line} = result);
  }
}
