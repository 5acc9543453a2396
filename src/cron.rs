//! Five-field cron schedules (`minute hour day-of-month month weekday`), as
//! Kubernetes CronJobs take them, so one `storage.gc_schedule` answer runs
//! the garbage collection at the same times on every target: a CronJob on
//! Kubernetes, `regctl serve`'s own scheduler elsewhere.

use std::fmt;
use std::str::FromStr;

use time::{Duration, OffsetDateTime};

/// A parsed schedule: for each field, which values match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    text: String,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    /// Day-of-month and weekday were both restricted: cron matches either.
    either_day: bool,
}

/// Why a schedule was refused, naming the field.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{text}` is not a cron schedule: {reason} (five fields: minute hour day month weekday, e.g. \"0 3 * * 0\")"
)]
pub(crate) struct InvalidSchedule {
    text: String,
    reason: String,
}

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
];

/// The set of values one field matches, as a bit mask.
fn field(text: &str, name: &str, min: u32, max: u32) -> Result<u64, String> {
    let mut mask = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("the {name} step `{s}` is not a positive number"))?;
                (r, step)
            }
            None => (part, 1),
        };
        let number = |v: &str| -> Result<u32, String> {
            v.parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("the {name} `{v}` is not between {min} and {max}"))
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (number(a)?, number(b)?);
            if a > b {
                return Err(format!("the {name} range `{range}` runs backwards"));
            }
            (a, b)
        } else {
            let v = number(range)?;
            // `5/15` means from 5 to the end, every 15.
            (v, if step > 1 { max } else { v })
        };
        let mut v = lo;
        while v <= hi {
            mask |= 1 << v;
            v += step;
        }
    }
    Ok(mask)
}

impl FromStr for Schedule {
    type Err = InvalidSchedule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| InvalidSchedule {
            text: s.to_string(),
            reason,
        };
        let parts: Vec<&str> = s.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(invalid(format!("it has {} fields", parts.len())));
        }
        let mut masks = [0u64; 5];
        for (i, (name, min, max)) in FIELDS.iter().enumerate() {
            masks[i] = field(parts[i], name, *min, *max).map_err(invalid)?;
        }
        // Sunday is both 0 and 7.
        let mut weekdays = masks[4] as u8;
        if weekdays & 0x80 != 0 {
            weekdays = (weekdays | 1) & 0x7f;
        }
        Ok(Schedule {
            text: parts.join(" "),
            minutes: masks[0],
            hours: masks[1] as u32,
            days: masks[2] as u32,
            months: masks[3] as u16,
            weekdays,
            either_day: parts[2] != "*" && parts[4] != "*",
        })
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Schedule {
    fn matches(&self, t: OffsetDateTime) -> bool {
        let day = self.days & (1 << t.day()) != 0;
        let weekday = self.weekdays & (1 << t.weekday().number_days_from_sunday()) != 0;
        let day_ok = if self.either_day {
            day || weekday
        } else {
            day && weekday
        };
        self.minutes & (1 << t.minute()) != 0
            && self.hours & (1 << t.hour()) != 0
            && self.months & (1 << u8::from(t.month())) != 0
            && day_ok
    }

    /// The first matching minute strictly after `after` (within five years;
    /// `None` for a schedule that never matches, such as 31 February).
    pub(crate) fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let mut t =
            after.replace_second(0).ok()?.replace_nanosecond(0).ok()? + Duration::minutes(1);
        let limit = after + Duration::days(5 * 366);
        while t < limit {
            if self.months & (1 << u8::from(t.month())) == 0 {
                // Jump to the first minute of the next day and keep looking.
                t = t.replace_time(time::Time::MIDNIGHT) + Duration::days(1);
                continue;
            }
            if self.matches(t) {
                return Some(t);
            }
            t += Duration::minutes(1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_and_refuses() {
        for ok in [
            "0 3 * * 0",
            "*/15 * * * *",
            "0 0 1,15 * 1-5",
            "5/10 2 * 1-12/2 7",
        ] {
            assert!(ok.parse::<Schedule>().is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("61 * * * *", "minute `61`"),
            ("* 24 * * *", "hour `24`"),
            ("* * 0 * *", "day of month `0`"),
            ("* * * * *  *", "6 fields"),
            ("* * * 13 *", "month `13`"),
            ("*/0 * * * *", "step `0`"),
            ("5-1 * * * *", "backwards"),
            ("a * * * *", "minute `a`"),
        ] {
            let err = bad.parse::<Schedule>().unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn next_runs() {
        let weekly: Schedule = "0 3 * * 0".parse().unwrap();
        // 2026-12-05 is a Saturday: next Sunday 03:00.
        assert_eq!(
            weekly.next_after(datetime!(2026-12-05 10:17 UTC)),
            Some(datetime!(2026-12-06 03:00 UTC))
        );
        let quarter: Schedule = "*/15 * * * *".parse().unwrap();
        assert_eq!(
            quarter.next_after(datetime!(2026-12-05 10:15 UTC)),
            Some(datetime!(2026-12-05 10:30 UTC))
        );
        let sunday7: Schedule = "0 0 * * 7".parse().unwrap();
        assert_eq!(
            sunday7.next_after(datetime!(2026-12-05 00:00 UTC)),
            Some(datetime!(2026-12-06 00:00 UTC))
        );
        let never: Schedule = "0 0 31 2 *".parse().unwrap();
        assert_eq!(never.next_after(datetime!(2026-12-05 00:00 UTC)), None);
    }
}
