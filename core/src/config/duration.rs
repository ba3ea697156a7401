//! `java.time.Duration.parse`: the ISO-8601 durations of `auto.offset.reset=by_duration:…`
//! (KIP-1106) and `kafka-consumer-groups --by-duration`.
//!
//! The grammar is the JDK's, case-insensitive: `[-+]P[nD][T[nH][nM][n[.n]S]]`, where every
//! number may carry its own sign, the seconds take up to nine fraction digits after `.` or `,`,
//! at least one part is present and a `T` must be followed by a time part. A number or a sum
//! that overflows Java's `long` seconds is refused, as the JDK refuses it.

use serde::{Deserialize, Serialize};

/// A parsed `java.time.Duration`: whole seconds and a nanosecond part in `0..1_000_000_000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JavaDuration {
    /// Whole seconds (negative for a negative duration).
    pub seconds: i64,
    /// Nanoseconds added to `seconds`, always non-negative.
    pub nanos: u32,
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_MILLI: u32 = 1_000_000;

impl JavaDuration {
    /// `Duration.parse(text)`, or `None` where the JDK throws `DateTimeParseException`.
    pub fn parse(text: &str) -> Option<JavaDuration> {
        let (negate, rest) = split_sign(text);
        let rest = rest.strip_prefix(['P', 'p'])?;
        let (date, time) = match rest.find(['T', 't']) {
            Some(at) => (&rest[..at], Some(&rest[at..])),
            None => (rest, None),
        };
        let mut seconds: i64 = 0;
        let mut nanos: i64 = 0;
        let mut any = false;
        if !date.is_empty() {
            let days = date.strip_suffix(['D', 'd'])?;
            seconds = add_part(seconds, days, 86_400)?;
            any = true;
        }
        if let Some(time) = time {
            // `charMatch(.., 'T')`: a lone upper-case `T` with nothing after it is refused; the
            // JDK's check compares with 'T' only, so a lone lower-case `t` passes.
            if time == "T" {
                return None;
            }
            let (parts, fraction) = time_parts(&time[1..])?;
            for (number, unit) in parts {
                seconds = add_part(seconds, number, unit)?;
                any = true;
            }
            if let Some((whole, digits)) = fraction {
                seconds = add_part(seconds, whole, 1)?;
                nanos = fraction_nanos(digits)?;
                if whole.starts_with('-') {
                    nanos = -nanos;
                }
                any = true;
            }
        }
        if !any {
            return None;
        }
        // `Duration.ofSeconds(seconds, nanos)`, then `negated()` for a leading `-`.
        if nanos < 0 {
            seconds = seconds.checked_sub(1)?;
            nanos += NANOS_PER_SECOND;
        }
        if negate && nanos > 0 {
            seconds = seconds.checked_add(1)?;
            nanos = NANOS_PER_SECOND - nanos;
        }
        Some(JavaDuration {
            seconds: if negate {
                seconds.checked_neg()?
            } else {
                seconds
            },
            nanos: u32::try_from(nanos).ok()?,
        })
    }

    /// `Duration.isNegative()`.
    pub fn is_negative(self) -> bool {
        self.seconds < 0
    }

    /// The whole milliseconds to subtract from a clock in ms so that the result equals
    /// `Instant.ofEpochMilli(clock).minus(this).toEpochMilli()`: the duration rounded up.
    /// Saturates where Java would throw an `ArithmeticException` (durations of more than
    /// 292 million years).
    pub fn millis_rounded_up(self) -> i64 {
        let part = i64::from(self.nanos.div_ceil(NANOS_PER_MILLI));
        self.seconds.saturating_mul(1_000).saturating_add(part)
    }

    /// `Instant.ofEpochMilli(clock_ms).minus(this).toEpochMilli()`, saturating.
    pub fn before(self, clock_ms: i64) -> i64 {
        clock_ms.saturating_sub(self.millis_rounded_up())
    }
}

/// The optional leading `-` or `+`.
fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// `[nH][nM][n[.n]S]` in that order: the hour and minute parts with their seconds per unit,
/// and the seconds part split into its whole number and fraction digits.
type TimeParts<'a> = (Vec<(&'a str, i64)>, Option<(&'a str, &'a str)>);

fn time_parts(mut time: &str) -> Option<TimeParts<'_>> {
    let mut parts = Vec::new();
    for (units, per_unit) in [(['H', 'h'], 3_600), (['M', 'm'], 60)] {
        if let Some(at) = time.find(units) {
            let number = &time[..at];
            if !is_signed_number(number) {
                // The letter belongs to a later part only if this text is not a number.
                if number.contains(['S', 's']) {
                    break;
                }
                return None;
            }
            parts.push((number, per_unit));
            time = &time[at + 1..];
        }
    }
    if time.is_empty() {
        return Some((parts, None));
    }
    let body = time.strip_suffix(['S', 's'])?;
    let (whole, digits) = match body.find(['.', ',']) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    let fraction_ok = digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit());
    (is_signed_number(whole) && fraction_ok).then_some((parts, Some((whole, digits))))
}

/// `[-+]?[0-9]+`.
fn is_signed_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `Math.multiplyExact(Long.parseLong(number), per_unit)` added to `seconds` with
/// `Math.addExact`.
fn add_part(seconds: i64, number: &str, per_unit: i64) -> Option<i64> {
    if !is_signed_number(number) {
        return None;
    }
    let value: i64 = number.parse().ok()?;
    seconds.checked_add(value.checked_mul(per_unit)?)
}

/// `parseFraction`: up to nine digits, scaled to nanoseconds.
fn fraction_nanos(digits: &str) -> Option<i64> {
    if digits.is_empty() {
        return Some(0);
    }
    let value: i64 = digits.parse().ok()?;
    let scale = 10_i64.pow(9 - u32::try_from(digits.len()).ok()?);
    Some(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<(i64, u32)> {
        JavaDuration::parse(text).map(|d| (d.seconds, d.nanos))
    }

    // Cases after the JDK test suite's DurationTest.data_parseSuccess.
    #[test]
    fn parses_what_the_jdk_parses() {
        for (text, seconds, nanos) in [
            ("PT0S", 0, 0),
            ("PT1S", 1, 0),
            ("PT12S", 12, 0),
            ("PT123456789S", 123_456_789, 0),
            ("PT+0S", 0, 0),
            ("PT-0S", 0, 0),
            ("PT-12S", -12, 0),
            ("PT1.1S", 1, 100_000_000),
            ("PT1,123456789S", 1, 123_456_789),
            ("PT-1.1S", -2, 900_000_000),
            ("PT1.S", 1, 0),
            ("PT-0.5S", -1, 500_000_000),
            ("PT1M", 60, 0),
            ("PT-1M", -60, 0),
            ("PT1H", 3_600, 0),
            ("P1D", 86_400, 0),
            ("P-1D", -86_400, 0),
            ("P1DT2H3M4.5S", 93_784, 500_000_000),
            ("PT2H-30M", 5_400, 0),
            ("-PT1H", -3_600, 0),
            ("+PT1H", 3_600, 0),
            ("-PT-1H", 3_600, 0),
            ("pt1h", 3_600, 0),
            ("PT1H1S", 3_601, 0),
            ("p1dt", 86_400, 0),
        ] {
            assert_eq!(parsed(text), Some((seconds, nanos)), "{text}");
        }
    }

    // Cases after DurationTest.data_parseFailure.
    #[test]
    fn refuses_what_the_jdk_refuses() {
        for text in [
            "",
            "ABCDEF",
            " PT0S",
            "PT0S ",
            "PTS",
            "AT0S",
            "PA0S",
            "PT0A",
            "P1DT",
            "PT",
            "P",
            "PT+S",
            "PT-S",
            "PT.S",
            "PT1.1234567891S",
            "PT1M1H",
            "PT1S1M",
            "PT1.5M",
            "P1W",
            "P1H",
            "PT9223372036854775808S",
            "P106751991167301D",
            "PT1H1H",
        ] {
            assert_eq!(parsed(text), None, "{text}");
        }
    }

    #[test]
    fn subtracts_from_a_clock_as_instant_minus_does() {
        let half_a_milli = JavaDuration::parse("PT0.0005S").expect("valid");
        assert_eq!(half_a_milli.millis_rounded_up(), 1);
        assert_eq!(half_a_milli.before(10_000), 9_999);
        let hour = JavaDuration::parse("PT1H").expect("valid");
        assert_eq!(hour.before(7_200_000), 3_600_000);
        assert_eq!(
            JavaDuration::parse("-PT1.5S").expect("valid").before(0),
            1_500
        );
        assert!(JavaDuration::parse("-PT1S").expect("valid").is_negative());
        assert!(!JavaDuration::parse("PT0S").expect("valid").is_negative());
        let huge = JavaDuration::parse("PT9223372036854775807S").expect("valid");
        assert_eq!(huge.before(0), -i64::MAX);
    }
}
