//! Calendar arithmetic for the service's timestamp quirks, done in
//! integers: service timestamps to the `Date.prototype.toISOString()` form,
//! and `X-Sdk-Date`; HTTP dates (`Retry-After`, `Date`) through the
//! `httpdate` crate.

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Reads exactly `n` ASCII digits at `*pos`.
fn digits(b: &[u8], pos: &mut usize, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        let c = *b.get(*pos)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
        *pos += 1;
    }
    Some(v)
}

fn expect(b: &[u8], pos: &mut usize, c: u8) -> Option<()> {
    if *b.get(*pos)? == c {
        *pos += 1;
        Some(())
    } else {
        None
    }
}

/// Milliseconds since the epoch of a service timestamp, or `None` when it is
/// not one: `YYYY-MM-DD`, `T`/`t`/space, `HH:MM` and optional `:SS`, optional `.` and 1 or
/// more fractional digits (truncated to milliseconds), optional zone `Z`/`z`,
/// `±HH:MM` or `±HHMM`. No zone means UTC (the API documents UTC without a
/// designator).
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut p = 0;
    let y = digits(b, &mut p, 4)?;
    expect(b, &mut p, b'-')?;
    let mo = digits(b, &mut p, 2)?;
    expect(b, &mut p, b'-')?;
    let d = digits(b, &mut p, 2)?;
    match b.get(p)? {
        b'T' | b't' | b' ' => p += 1,
        _ => return None,
    }
    let h = digits(b, &mut p, 2)?;
    expect(b, &mut p, b':')?;
    let mi = digits(b, &mut p, 2)?;
    // Seconds may be left out (`2016-02-16T16:54`, ISO 8601's reduced
    // precision): 0, with no fraction after them.
    let with_seconds = b.get(p) == Some(&b':');
    let sec = if with_seconds {
        p += 1;
        digits(b, &mut p, 2)?
    } else {
        0
    };
    let mut ms = 0u32;
    if with_seconds && b.get(p) == Some(&b'.') {
        p += 1;
        let start = p;
        while let Some(c) = b.get(p) {
            if !c.is_ascii_digit() {
                break;
            }
            if p - start < 3 {
                ms = ms * 10 + u32::from(c - b'0');
            }
            p += 1;
        }
        let n = p - start;
        if n == 0 {
            return None;
        }
        for _ in n..3 {
            ms *= 10;
        }
    }
    let offset_min: i64 = match b.get(p) {
        None => 0,
        Some(b'Z' | b'z') => {
            p += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            p += 1;
            let oh = digits(b, &mut p, 2)?;
            if b.get(p) == Some(&b':') {
                p += 1;
            }
            let om = digits(b, &mut p, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = i64::from(oh * 60 + om);
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        Some(_) => return None,
    };
    if p != b.len() {
        return None;
    }
    let y = i64::from(y);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let local = days * MS_PER_DAY + i64::from(h * 3_600_000 + mi * 60_000 + sec * 1000 + ms);
    Some(local - offset_min * 60_000)
}

/// An instant's civil fields, in UTC.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
}

impl Civil {
    /// Epoch milliseconds split into civil fields (UTC).
    fn from_ms(ms: i64) -> Civil {
        let days = ms.div_euclid(MS_PER_DAY);
        let rem = ms.rem_euclid(MS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil { year, month, day, hour: rem / 3_600_000, minute: rem / 60_000 % 60, second: rem / 1000 % 60, milli: rem % 1000 }
    }
}

/// Writes `fields` (at, value, width) as zero-padded digits into `template`
/// (ASCII), the one way both forms below are written: one allocation.
fn fill<const N: usize>(mut template: [u8; N], fields: &[(usize, u32, usize)]) -> String {
    for &(at, value, width) in fields {
        let mut v = value;
        for i in (at..at + width).rev() {
            if let Some(slot) = template.get_mut(i) {
                *slot = b'0' + (v % 10) as u8;
            }
            v /= 10;
        }
    }
    template.iter().map(|&b| char::from(b)).collect()
}

/// `Date.prototype.toISOString()` of `ms`, for years 0000–9999 (other years
/// use an expanded form we never produce: `None`).
pub fn iso_string(ms: i64) -> Option<String> {
    let c = Civil::from_ms(ms);
    let year = u32::try_from(c.year).ok().filter(|y| *y <= 9999)?;
    let fields = [(0, year, 4), (5, c.month, 2), (8, c.day, 2), (11, c.hour, 2), (14, c.minute, 2), (17, c.second, 2), (20, c.milli, 3)];
    Some(fill(*b"0000-00-00T00:00:00.000Z", &fields))
}

/// A service timestamp in the `toISOString()` form, or `None` when `s` is not
/// a timestamp this reader understands (the caller passes it through).
pub fn normalize_timestamp(s: &str) -> Option<String> {
    parse_timestamp_ms(s).and_then(iso_string)
}

/// Epoch milliseconds of an HTTP date (RFC 9110 §5.6.7: IMF-fixdate, and the
/// obsolete RFC 850 and asctime forms a recipient must accept).
pub fn http_date_ms(s: &str) -> Option<i64> {
    let at = httpdate::parse_http_date(s.trim()).ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(at.as_millis()).ok()
}

/// Epoch milliseconds of an `X-Sdk-Date`-form time (`YYYYMMDDTHHMMSSZ`),
/// as the API gateway writes the server's time into a signature error.
pub fn parse_sdk_date(s: &str) -> Option<i64> {
    if s.len() != 16 || !s.is_ascii() || s.get(8..9)? != "T" || s.get(15..)? != "Z" {
        return None;
    }
    let iso = format!("{}-{}-{}T{}:{}:{}Z", s.get(0..4)?, s.get(4..6)?, s.get(6..8)?, s.get(9..11)?, s.get(11..13)?, s.get(13..15)?);
    parse_timestamp_ms(&iso)
}

/// `X-Sdk-Date` for epoch milliseconds: `YYYYMMDDTHHMMSSZ` (the year
/// clamped to 0000–9999).
pub fn sdk_date(ms: f64) -> String {
    let c = Civil::from_ms(if ms.is_finite() { ms as i64 } else { 0 });
    let year = c.year.clamp(0, 9999) as u32;
    fill(*b"00000000T000000Z", &[(0, year, 4), (4, c.month, 2), (6, c.day, 2), (9, c.hour, 2), (11, c.minute, 2), (13, c.second, 2)])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected instants below were worked out by hand from the calendar and
    // agree with what `new Date(...)` gives for the zoned forms.

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in [-800_000i64, -1, 0, 1, 59, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn service_timestamps() {
        // The list sample of seeds/004: six fractional digits, truncated.
        assert_eq!(normalize_timestamp("2016-02-16T16:54:14.981520").as_deref(), Some("2016-02-16T16:54:14.981Z"));
        // The show sample of seeds/000: lower-case t.
        assert_eq!(normalize_timestamp("2013-02-25t04:13:17.000000").as_deref(), Some("2013-02-25T04:13:17.000Z"));
        // Truncated, never rounded up.
        assert_eq!(normalize_timestamp("2016-02-16T16:54:14.999999").as_deref(), Some("2016-02-16T16:54:14.999Z"));
        assert_eq!(normalize_timestamp("2016-02-16T16:54:14").as_deref(), Some("2016-02-16T16:54:14.000Z"));
        assert_eq!(normalize_timestamp("2016-02-16T16:54:14.5").as_deref(), Some("2016-02-16T16:54:14.500Z"));
        assert_eq!(normalize_timestamp("2016-02-16 16:54:14.12").as_deref(), Some("2016-02-16T16:54:14.120Z"));
        // Explicit zones are honoured.
        assert_eq!(normalize_timestamp("2016-02-16T16:54:14Z").as_deref(), Some("2016-02-16T16:54:14.000Z"));
        assert_eq!(normalize_timestamp("2016-02-17T00:54:14.981+08:00").as_deref(), Some("2016-02-16T16:54:14.981Z"));
        assert_eq!(normalize_timestamp("2016-02-16T20:00:00-0530").as_deref(), Some("2016-02-17T01:30:00.000Z"));
        // Leap day and year boundary crossing through a zone.
        assert_eq!(normalize_timestamp("2024-02-29T23:59:59.999999").as_deref(), Some("2024-02-29T23:59:59.999Z"));
        assert_eq!(normalize_timestamp("2025-01-01T07:00:00+08:00").as_deref(), Some("2024-12-31T23:00:00.000Z"));
        // Minutes only (docs/contract.md "Timestamps"): UTC like the others, not
        // passed through for `new Date` to read as local time.
        assert_eq!(normalize_timestamp("2016-02-16T16:54").as_deref(), Some("2016-02-16T16:54:00.000Z"));
        assert_eq!(normalize_timestamp("2016-02-17T00:54+08:00").as_deref(), Some("2016-02-16T16:54:00.000Z"));
    }

    #[test]
    fn non_timestamps_are_not_guessed() {
        for s in [
            "",
            "yesterday",
            "2016-02-16",
            "2016-02-16T16",
            "2016-02-16T16:54.5",
            "2016-02-16T16:5",
            "2016-13-01T00:00:00",
            "2016-02-30T00:00:00",
            "2023-02-29T00:00:00",
            "2016-02-16T24:00:00",
            "2016-02-16T16:60:00",
            "2016-02-16T16:54:60",
            "2016-02-16T16:54:14.",
            "2016-02-16T16:54:14.5X",
            "16-02-16T16:54:14",
            "2016-02-16T16:54:14+8",
            "+002016-02-16T16:54:14Z",
            "2016-02-16T16:54:14 ",
            "２０１６-02-16T16:54:14",
        ] {
            assert_eq!(normalize_timestamp(s), None, "{s:?}");
        }
        // Year 0000 is fine for toISOString; crossing below it is not ours to write.
        assert_eq!(normalize_timestamp("0000-01-01T00:00:00").as_deref(), Some("0000-01-01T00:00:00.000Z"));
        assert_eq!(normalize_timestamp("0000-01-01T00:00:00+01:00"), None);
    }

    #[test]
    fn sdk_dates_read_back() {
        let ms = days_from_civil(2026, 11, 30) * MS_PER_DAY + 10 * 3_600_000 + 35 * 60_000;
        assert_eq!(parse_sdk_date("20261130T103500Z"), Some(ms));
        assert_eq!(sdk_date(ms as f64), "20261130T103500Z");
        for bad in ["", "20261130T103500", "20261130 103500Z", "2026113aT103500Z", "20261330T103500Z", "20261130T103500Z1"] {
            assert_eq!(parse_sdk_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn sdk_dates() {
        // 2026-11-22T10:15:00Z, the date of the official vectors.
        let ms = (days_from_civil(2026, 11, 22) * MS_PER_DAY + 10 * 3_600_000 + 15 * 60_000) as f64;
        assert_eq!(sdk_date(ms), "20261122T101500Z");
        assert_eq!(sdk_date(0.0), "19700101T000000Z");
        assert_eq!(sdk_date(f64::NAN), "19700101T000000Z");
    }
}
