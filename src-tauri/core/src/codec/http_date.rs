//! The HTTP `Date` header (RFC 9110 §5.6.7, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`)
//! as seconds since the Unix epoch, and the clock offset it shows: a server's clock read
//! against ours, which is how the checks tell a wrong clock from a bad certificate. Pure.
//! The two obsolete formats (RFC 850, asctime) are not read: servers must send IMF-fixdate,
//! and a date we cannot read only means no offset is measured.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian; Howard Hinnant's
/// days-from-civil).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn number(text: &str, digits: usize) -> Option<u32> {
    (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// An IMF-fixdate as Unix seconds, or `None` when the text is not one.
pub fn parse_imf_fixdate(text: &str) -> Option<i64> {
    let (weekday, rest) = text.trim().split_once(", ")?;
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day = number(day, 2).filter(|d| (1..=31).contains(d))?;
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let year = number(year, 4)?;
    let clock: Vec<&str> = time.split(':').collect();
    let [hour, minute, second] = clock.as_slice() else {
        return None;
    };
    let hour = number(hour, 2).filter(|h| *h < 24)?;
    let minute = number(minute, 2).filter(|m| *m < 60)?;
    // 60 is a leap second, which IMF-fixdate allows.
    let second = number(second, 2).filter(|s| *s <= 60)?;
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// How far the server's clock is ahead of ours (negative: behind), in whole seconds: its
/// `Date` against the middle of our request's round trip (`sent`, `received` in Unix
/// seconds). The header has one-second resolution, so ±1 s is noise.
pub fn clock_offset_s(date: &str, sent: f64, received: f64) -> Option<i64> {
    let server = parse_imf_fixdate(date)?;
    let ours = (sent + received) / 2.0;
    Some((server as f64 - ours).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rfc_example_and_the_epoch() {
        assert_eq!(
            parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // A leap day and the last second of a century year.
        assert_eq!(
            parse_imf_fixdate("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400)
        );
        assert_eq!(
            parse_imf_fixdate("Fri, 31 Dec 2100 23:59:59 GMT"),
            Some(4_133_980_799)
        );
    }

    #[test]
    fn refuses_what_is_not_an_imf_fixdate() {
        for text in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Now 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            assert_eq!(parse_imf_fixdate(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_offset_is_read_against_the_middle_of_the_round_trip() {
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(clock_offset_s(date, 784_111_776.0, 784_111_778.0), Some(0));
        // Our clock an hour ahead: the server is 3600 s behind us.
        assert_eq!(
            clock_offset_s(date, 784_115_377.0, 784_115_377.2),
            Some(-3600)
        );
        assert_eq!(clock_offset_s("not a date", 0.0, 0.0), None);
    }
}
