//! Go-style durations (`168h`, `10s`, `2h10m`, `1.5h`), as distribution's
//! config uses them.

use std::time::Duration;

/// Parses a Go duration string.
pub(crate) fn parse(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("`{s}` lacks a unit (ns, us, ms, s, m, h)"))?;
        let value: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("`{s}` is not a duration"))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            other => return Err(format!("unknown unit `{other}` in `{s}`")),
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    // Go's durations end at about 292 years (int64 nanoseconds); a longer
    // or non-finite one is an error, not a panic.
    Duration::try_from_secs_f64(total)
        .ok()
        .filter(|d| d.as_nanos() <= i64::MAX as u128)
        .ok_or_else(|| format!("`{s}` is longer than a duration can be (about 292 years)"))
}

/// Formats a duration the way Go would accept it back.
pub(crate) fn format(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_nanos() != 0 {
        return format!("{}ms", d.as_millis());
    }
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (h, 0, 0) if h > 0 => format!("{h}h"),
        (0, m, 0) => format!("{m}m"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse("168h").unwrap(), Duration::from_secs(168 * 3600));
        assert_eq!(parse("2h10m").unwrap(), Duration::from_secs(7800));
        assert_eq!(parse("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("300ms").unwrap(), Duration::from_millis(300));
        assert!(parse("10").is_err());
        assert!(parse("5d").is_err());
        // Found by the config fuzz target: these panicked.
        assert!(parse("3033333333333333333333333333333333333333s").is_err());
        assert!(parse("99999999999h").is_err());
        assert!(parse(&format!("{}s", "9".repeat(400))).is_err());
        assert_eq!(format(Duration::from_secs(168 * 3600)), "168h");
        assert_eq!(format(Duration::from_secs(10)), "10s");
        assert_eq!(format(Duration::from_secs(7800)), "2h10m0s");
    }
}
