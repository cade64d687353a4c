//! "Did you mean …?" for placeholder names: the closest catalog name by edit distance.

use crate::catalog::PLACEHOLDERS;

/// Levenshtein distance over bytes (placeholder names are ASCII).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The catalog name closest to `name` (case-insensitively), if it is close enough to be a
/// typo: at most 2 edits, or 3 for names longer than 12 characters.
pub fn closest_placeholder(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let limit = if upper.len() > 12 { 3 } else { 2 };
    PLACEHOLDERS
        .iter()
        .map(|p| (edit_distance(&upper, p.name), p.name))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggests_typos_but_not_strangers() {
        assert_eq!(closest_placeholder("MQTT_HOTS"), Some("MQTT_HOST"));
        assert_eq!(closest_placeholder("mqtt_host"), Some("MQTT_HOST"));
        assert_eq!(
            closest_placeholder("LWM2M_PSK_IDENITY"),
            Some("LWM2M_PSK_IDENTITY")
        );
        assert_eq!(closest_placeholder("SITE_CODE"), None);
    }
}
