/**
 * The ISO-8601 date-time form that `<<timestamp>>` accepts (README §2.2): `YYYY-MM-DD`, `T`, `hh:mm`,
 * optionally `:ss` with an optional fraction (`.` or `,` and digits), optionally `Z` or an offset `±hh`,
 * `±hh:mm`, `±hhmm`. Every field must be in range (a real calendar date, hours 00–23, minutes 00–59,
 * seconds 00–60).
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when `s` is, as a whole, an ISO-8601 date-time in the accepted form. */
export function isIsoDateTime(s: string): boolean {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  if (Number(h) > 23 || Number(mi) > 59) return false;
  if (sec !== undefined && Number(sec) > 60) return false;
  if (oh !== undefined && Number(oh) > 23) return false;
  if (om !== undefined && Number(om) > 59) return false;
  return true;
}
