//! Small formatting helpers shared by the tools: Java's `%-Ns` padding, Kafka's `Uuid`
//! text, durations and datetimes as the tools print them.

use kplay_core::decimal::parse_f64;

/// `String.format("%-Ns", text)`: left-aligned in at least `width` characters.
pub fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// The `TopicId` `kafka-topics --describe` prints: Kafka's `Uuid.toString()` is 16 bytes in
/// URL-safe base64 without padding (22 characters). The simulator numbers topics, so the 16
/// bytes are derived from the number (SplitMix64 of it and of its successor): stable for a
/// topic within a run, and a different text for a topic re-created under the same name.
pub fn topic_id_text(topic_id: u64) -> String {
    let mut bytes = Vec::with_capacity(16);
    bytes.extend_from_slice(&splitmix64(topic_id).to_be_bytes());
    bytes.extend_from_slice(&splitmix64(topic_id.wrapping_add(0x5eed)).to_be_bytes());
    base64_url(&bytes)
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let digits = chunk.len() + 1;
        for i in 0..digits {
            let index = ((n >> (18 - 6 * i)) & 63) as usize;
            text.push(char::from(ALPHABET[index]));
        }
    }
    text
}

/// A duration in ms as the playground writes it: `250ms`, `30s`, `5m`, `2h` (the largest unit
/// that divides it).
pub fn duration_text(ms: i64) -> String {
    for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
        if ms != 0 && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// Parses `250ms`, `30s`, `1.5s`, `5m`, `2h` or a bare number of ms.
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value = parse_f64(number)?;
    let scale = match unit {
        "" | "ms" => 1.0,
        "s" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    let ms = value * scale;
    (ms.is_finite() && (0.0..=1e15).contains(&ms)).then(|| ms.round() as i64)
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day count since 1970-01-01.
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

/// `YYYY-MM-DDTHH:mm:SS.sss` in UTC (the `--to-datetime` format).
pub fn datetime_text(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    let in_day = epoch_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

/// Parses `--to-datetime` text as `Utils.getDateTime` does: `YYYY-MM-DDTHH:mm:SS[.sss]`
/// with an optional `Z` or `±HH:mm` offset. Simplified: without an offset the time is UTC
/// (the simulated cluster has no local time zone).
pub fn parse_datetime_ms(text: &str) -> Option<i64> {
    let (local, offset_ms) = split_offset(text.trim())?;
    let (date, time) = local.split_once('T')?;
    let mut date_parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (
        date_parts.next()??,
        date_parts.next()??,
        date_parts.next()??,
    );
    let (clock, millis) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, fraction_ms(fraction)?),
        None => (time, 0),
    };
    let mut clock_parts = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute) = (clock_parts.next()??, clock_parts.next()??);
    let second = clock_parts.next().flatten().unwrap_or(0);
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    valid.then(|| {
        days_from_civil(year, month, day) * 86_400_000
            + hour * 3_600_000
            + minute * 60_000
            + second * 1_000
            + millis
            - offset_ms
    })
}

fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(local) = text.strip_suffix('Z') {
        return Some((local, 0));
    }
    let time_start = text.find('T')?;
    match text[time_start..].rfind(['+', '-']) {
        Some(at) => {
            let (local, offset) = text.split_at(time_start + at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (hours, minutes) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            let ms = hours.parse::<i64>().ok()? * 3_600_000 + minutes.parse::<i64>().ok()? * 60_000;
            Some((local, sign * ms))
        }
        None => Some((text, 0)),
    }
}

fn fraction_ms(fraction: &str) -> Option<i64> {
    let digits: String = fraction.chars().take(3).collect();
    let value: i64 = digits.parse().ok()?;
    Some(value * 10_i64.pow(3 - digits.len() as u32))
}

/// An ISO-8601 duration for `--by-duration` (`PT30M`), from ms.
pub fn iso_duration_text(ms: i64) -> String {
    let seconds = ms / 1_000;
    let millis = ms % 1_000;
    if millis == 0 {
        format!("PT{seconds}S")
    } else {
        format!("PT{seconds}.{millis:03}S")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_look_like_kafka_uuids() {
        let id = topic_id_text(1);
        assert_eq!(id.len(), 22);
        assert_ne!(id, topic_id_text(2));
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn durations_round_trip() {
        for text in ["250ms", "30s", "5m", "2h", "1500ms"] {
            let ms = parse_duration_ms(text).expect(text);
            assert_eq!(duration_text(ms), text);
        }
        assert_eq!(parse_duration_ms("1.5s"), Some(1_500));
        assert_eq!(parse_duration_ms("7"), Some(7));
        assert_eq!(parse_duration_ms("7x"), None);
    }

    #[test]
    fn datetimes_round_trip_in_utc() {
        assert_eq!(datetime_text(1_704_067_200_000), "2024-01-01T00:00:00.000");
        assert_eq!(
            parse_datetime_ms("2024-01-01T00:00:00.000"),
            Some(1_704_067_200_000)
        );
        assert_eq!(
            parse_datetime_ms("2024-01-01T01:00:00+01:00"),
            Some(1_704_067_200_000)
        );
        assert_eq!(
            parse_datetime_ms("2024-02-30T00:00"),
            Some(1_709_251_200_000)
        );
        assert_eq!(parse_datetime_ms("nonsense"), None);
    }

    #[test]
    fn iso_durations_print_with_milliseconds() {
        assert_eq!(iso_duration_text(1_500), "PT1.500S");
    }
}
