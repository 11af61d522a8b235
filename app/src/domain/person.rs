//! What people type about themselves: names and phone numbers.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization as _;

/// The longest name Roster keeps, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A person's name, NFC-normalised and trimmed. Any script and punctuation
/// a real name uses is fine ("O'Brien & Co", "José", "李小龍"); what could
/// disguise or inject text is not: control characters, bidirectional
/// overrides and isolates, `<` and `>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("A name can be at most 100 characters.")]
    TooLong,
    #[error("A name cannot contain control characters or text-direction marks.")]
    HiddenCharacters,
    #[error("A name cannot contain < or >.")]
    AngleBrackets,
}

/// Unicode's explicit directional formatting characters: embeddings,
/// overrides and isolates (they can make "evil.exe" read "exe.live").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let value: String = input.nfc().collect::<String>().trim().to_string();
        if value.is_empty() {
            return Err(NameError::Empty);
        }
        if value.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(NameError::HiddenCharacters);
        }
        if value.contains(['<', '>']) {
            return Err(NameError::AngleBrackets);
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job title ("Head of Sales"), optional: the same characters as a
/// name, at most 100 of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Position(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    #[error("A position can be at most 100 characters, without control characters, < or >.")]
    Invalid,
}

impl Position {
    /// `None` for a blank field: the position is optional.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, PositionError> {
        if input.trim().is_empty() {
            return Ok(None);
        }
        PersonName::parse(input)
            .map(|name| Some(Self(name.0)))
            .map_err(|_| PositionError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as dialled: an optional leading `+`, then 6 to 15 digits
/// (E.164's limit), with spaces, dashes, dots and parentheses allowed for
/// readability and dropped when stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("Enter a phone number with 6 to 15 digits, for example +44 20 7946 0958.")]
    Malformed,
}

impl PhoneNumber {
    /// `None` for a blank field: a phone number is optional.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, PhoneError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(input).map(Some)
        }
    }

    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let value = input.trim();
        let (plus, rest) = match value.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", value),
        };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        {
            return Err(PhoneError::Malformed);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if !(6..=15).contains(&digits.len()) {
            return Err(PhoneError::Malformed);
        }
        Ok(Self(format!("{plus}{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_names_are_kept_and_normalised() {
        for name in [
            "O'Brien & Co",
            "José Álvarez",
            "李小龍",
            "Zoë-Anne d'Arc",
            "أحمد",
        ] {
            assert_eq!(PersonName::parse(name).unwrap().as_str(), name);
        }
        // "e" + combining acute becomes the single precomposed "é".
        assert_eq!(
            PersonName::parse("  Jose\u{301} ").unwrap().as_str(),
            "Jos\u{e9}"
        );
        assert_eq!(
            PersonName::parse(&"é".repeat(100)).map(|n| n.as_str().chars().count()),
            Ok(100)
        );
    }

    #[test]
    fn names_that_hide_or_inject_text_are_refused() {
        assert_eq!(PersonName::parse(" \t "), Err(NameError::Empty));
        assert_eq!(PersonName::parse(&"a".repeat(101)), Err(NameError::TooLong));
        assert_eq!(
            PersonName::parse("Eve\u{202E}gnp.exe"),
            Err(NameError::HiddenCharacters)
        );
        assert_eq!(
            PersonName::parse("Eve\u{2066}x"),
            Err(NameError::HiddenCharacters)
        );
        assert_eq!(
            PersonName::parse("Eve\nAdmin"),
            Err(NameError::HiddenCharacters)
        );
        assert_eq!(PersonName::parse("<script>"), Err(NameError::AngleBrackets));
    }

    #[test]
    fn phone_numbers_keep_digits_and_a_leading_plus() {
        assert_eq!(
            PhoneNumber::parse("+44 (20) 7946-0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            PhoneNumber::parse("030.123456").unwrap().as_str(),
            "030123456"
        );
        for bad in [
            "",
            "12345",
            "+1234567890123456",
            "call me",
            "+44 20 7946 0958 ext 2",
            "++44123456",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(PhoneError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn positions_are_optional_and_follow_the_name_rules() {
        assert_eq!(Position::parse_optional("  "), Ok(None));
        assert_eq!(
            Position::parse_optional(" Head of Sales ").map(|p| p.map(|p| p.as_str().to_string())),
            Ok(Some("Head of Sales".to_string()))
        );
        assert_eq!(
            Position::parse_optional("<b>Boss</b>"),
            Err(PositionError::Invalid)
        );
        assert_eq!(
            Position::parse_optional(&"x".repeat(101)),
            Err(PositionError::Invalid)
        );
        assert_eq!(PhoneNumber::parse_optional(""), Ok(None));
        assert!(PhoneNumber::parse_optional("12").is_err());
    }
}
