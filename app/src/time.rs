//! Datetimes as the API writes them (ISO 8601 with offset) and how the console shows them: relative
//! ("3 min ago"), as a countdown ("in 1 min 05 s"), and durations. Plain Rust: the current time is a
//! parameter, so every function is testable without a clock.

/// Milliseconds since the Unix epoch.
pub type EpochMs = f64;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (a space instead of `T` is accepted; no offset means
/// UTC) into milliseconds since the epoch.
pub fn parse_iso8601(text: &str) -> Option<EpochMs> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction_ms = 0.0;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // Milliseconds and a fraction of one, without float parsing (smaller .wasm).
        let mut micros = 0u32;
        for (i, digit) in after_dot.bytes().take(digits.min(6)).enumerate() {
            micros += u32::from(digit - b'0') * 10u32.pow(5 - i as u32);
        }
        fraction_ms = f64::from(micros) / 1000.0;
        rest = &after_dot[digits..];
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = &rest[1..];
            let (h, m) = match offset.len() {
                5 if offset.as_bytes()[2] == b':' => (offset.get(0..2)?, offset.get(3..5)?),
                4 => (offset.get(0..2)?, offset.get(2..4)?),
                2 => (offset, "00"),
                _ => return None,
            };
            let h: i64 = h.parse().ok()?;
            let m: i64 = m.parse().ok()?;
            sign * (h * 60 + m)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds as f64 * 1000.0 + fraction_ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `ms` as UTC ISO 8601 with milliseconds ("2024-05-01T10:00:00.250Z"), as JavaScript's `toISOString`.
pub fn iso8601(ms: EpochMs) -> String {
    let total = ms.floor() as i64;
    let (days, in_day) = (total.div_euclid(86_400_000), total.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// `ms` as the value of an `<input type="datetime-local">` in the browser's time zone
/// ("2024-05-01T14:00").
pub fn local_input(ms: EpochMs) -> String {
    let offset_ms = js_sys::Date::new(&ms.into()).get_timezone_offset() * 60_000.0;
    iso8601(ms - offset_ms)[..16].to_owned()
}

/// An `<input type="datetime-local">` value (the browser's time zone) as epoch ms; `None` when empty.
pub fn parse_local_input(text: &str) -> Option<EpochMs> {
    let utc = parse_iso8601(&format!("{}:00Z", text.get(..16)?))?;
    // The offset at that local time: near enough at the instant it names (a DST change moves it by the
    // change, once, for an hour a year).
    let offset_ms = js_sys::Date::new(&utc.into()).get_timezone_offset() * 60_000.0;
    Some(utc + offset_ms)
}

/// The proleptic Gregorian date of a day since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// How long ago (or how far ahead) `then` is from `now`, in words: "just now", "42 s ago",
/// "3 min ago", "5 h ago", "2 days ago", "in 4 min".
pub fn relative(then: EpochMs, now: EpochMs) -> String {
    let delta_s = ((now - then) / 1000.0).round();
    let future = delta_s < 0.0;
    let s = delta_s.abs() as u64;
    let amount = if s < 10 {
        return "just now".to_owned();
    } else if s < 60 {
        format!("{s} s")
    } else if s < 3_600 {
        format!("{} min", s / 60)
    } else if s < 86_400 {
        format!("{} h", s / 3_600)
    } else if s < 86_400 * 60 {
        plural(s / 86_400, "day")
    } else if s < 86_400 * 730 {
        plural(s / (86_400 * 30), "month")
    } else {
        plural(s / (86_400 * 365), "year")
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Time left until `due`: "in 7 s", "in 1 min 05 s", "in 2 h 03 min", "in 3 days 4 h"; "due now" once
/// it has passed (the retry is about to be sent).
pub fn countdown(due: EpochMs, now: EpochMs) -> String {
    let left_s = ((due - now) / 1000.0).ceil();
    if left_s <= 0.0 {
        return "due now".to_owned();
    }
    let s = left_s as u64;
    if s < 60 {
        format!("in {s} s")
    } else if s < 3_600 {
        format!("in {} min {:02} s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("in {} h {:02} min", s / 3_600, (s % 3_600) / 60)
    } else {
        format!(
            "in {} {} h",
            plural(s / 86_400, "day"),
            (s % 86_400) / 3_600
        )
    }
}

/// A delivery's duration: "87 ms", "1.25 s", "12 s".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 10_000 {
        let hundredths = (ms + 5) / 10;
        format!("{}.{:02} s", hundredths / 100, hundredths % 100)
    } else {
        format!("{} s", ms / 1000)
    }
}

/// Seconds as words for "try again in …": "45 s", "3 min", "14 min 5 s".
pub fn wait(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: f64 = 1000.0;

    #[test]
    fn parses_the_apis_datetimes_with_microseconds_and_offset() {
        let utc = parse_iso8601("2021-03-25T14:21:46.575398Z").unwrap();
        let cet = parse_iso8601("2021-03-25T15:21:46.575398+01:00").unwrap();
        assert_eq!(utc, cet);
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_iso8601("2019-08-24T14:15:22Z"),
            Some(1_566_656_122_000.0)
        );
        assert!((utc - 1_616_682_106_575.398).abs() < 0.01);
    }

    #[test]
    fn parses_negative_and_compact_offsets() {
        let a = parse_iso8601("2024-02-29T23:30:00-05:00").unwrap();
        let b = parse_iso8601("2024-03-01T04:30:00+0000").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_what_is_not_a_datetime() {
        for text in [
            "",
            "yesterday",
            "2021-13-01T00:00:00Z",
            "2021-03-25",
            "2021-03-25T25:00:00Z",
            "2021-03-25T10:00:00.Z",
            "2021-03-25T10:00:00+1",
        ] {
            assert_eq!(parse_iso8601(text), None, "{text}");
        }
    }

    #[test]
    fn epoch_milliseconds_write_as_utc_iso_8601_and_read_back() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_566_656_122_000.0), "2019-08-24T14:15:22.000Z");
        assert_eq!(iso8601(951_782_400_250.0), "2000-02-29T00:00:00.250Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.999Z");
        for ms in [
            0.0,
            1_709_251_199_999.0,
            4_102_444_800_000.0,
            1_616_682_106_575.0,
        ] {
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn relative_time_picks_the_largest_whole_unit() {
        let now = 1_000_000_000.0 * SECOND;
        assert_eq!(relative(now - 3.0 * SECOND, now), "just now");
        assert_eq!(relative(now - 42.0 * SECOND, now), "42 s ago");
        assert_eq!(relative(now - 185.0 * SECOND, now), "3 min ago");
        assert_eq!(relative(now - 5.0 * 3_600.0 * SECOND, now), "5 h ago");
        assert_eq!(relative(now - 86_400.0 * SECOND, now), "1 day ago");
        assert_eq!(relative(now - 3.0 * 86_400.0 * SECOND, now), "3 days ago");
        assert_eq!(
            relative(now - 90.0 * 86_400.0 * SECOND, now),
            "3 months ago"
        );
        assert_eq!(relative(now + 240.0 * SECOND, now), "in 4 min");
    }

    #[test]
    fn countdown_shows_seconds_minutes_and_hours_left() {
        let now = 0.0;
        assert_eq!(countdown(7.0 * SECOND, now), "in 7 s");
        assert_eq!(countdown(6.2 * SECOND, now), "in 7 s");
        assert_eq!(countdown(65.0 * SECOND, now), "in 1 min 05 s");
        assert_eq!(countdown(7_380.0 * SECOND, now), "in 2 h 03 min");
        assert_eq!(countdown(100_000.0 * SECOND, now), "in 1 day 3 h");
    }

    #[test]
    fn countdown_says_due_now_once_the_time_has_passed() {
        assert_eq!(countdown(1_000.0, 1_000.0), "due now");
        assert_eq!(countdown(1_000.0, 5_000.0), "due now");
    }

    #[test]
    fn durations_switch_from_milliseconds_to_seconds() {
        assert_eq!(duration(87), "87 ms");
        assert_eq!(duration(1_250), "1.25 s");
        assert_eq!(duration(12_400), "12 s");
    }

    #[test]
    fn waits_read_in_minutes_and_seconds() {
        assert_eq!(wait(45), "45 s");
        assert_eq!(wait(180), "3 min");
        assert_eq!(wait(845), "14 min 5 s");
    }
}
