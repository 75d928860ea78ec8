//! Time as the API shows it: microseconds since the Unix epoch inside, ISO 8601 with microseconds and
//! offset (`2026-11-27T07:44:03.123456+00:00`) on the wire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch: how the store keeps every datetime (sortable, indexable).
pub type Micros = i64;

pub fn now() -> Micros {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)
}

pub fn micros(duration: Duration) -> Micros {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// `2026-11-27T07:44:03.123456+00:00`.
pub fn iso(at: Micros) -> String {
    let seconds = at.div_euclid(1_000_000);
    let micros = at.rem_euclid(1_000_000);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}+00:00",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Unix seconds with exactly six decimals, as the event payload's `created` carries them.
pub fn unix_seconds_text(at: Micros) -> String {
    format!(
        "{}.{:06}",
        at.div_euclid(1_000_000),
        at.rem_euclid(1_000_000)
    )
}

/// Unix seconds as a number (for JSON bodies built with serde).
pub fn unix_seconds(at: Micros) -> f64 {
    at as f64 / 1_000_000.0
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_microseconds_and_offset() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(
            iso(1_616_682_106_481_539),
            "2021-03-25T14:21:46.481539+00:00"
        );
        assert_eq!(iso(951_782_400_000_001), "2000-02-29T00:00:00.000001+00:00");
    }

    #[test]
    fn unix_seconds_always_have_six_decimals() {
        assert_eq!(
            unix_seconds_text(1_616_682_106_480_000),
            "1616682106.480000"
        );
    }
}
