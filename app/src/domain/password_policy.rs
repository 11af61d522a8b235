//! Rules for new passwords, after NIST SP 800-63B-4: long, with no
//! composition rules (no "one digit, one symbol"), every character allowed,
//! and checked against what an attacker would try first.
//!
//! The check against common-password lists needs dictionaries that must not
//! ship in the WASM bundle; it runs on the server on top of these rules.

/// Shorter passwords are refused.
pub const MIN_CHARS: usize = 15;
/// Longer ones are refused (NIST asks that at least 64 be allowed; the cap
/// bounds the hashing work a request can cause).
pub const MAX_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error(
        "Use at least 15 characters. A few unrelated words make a strong, memorable password."
    )]
    TooShort,
    #[error("Use at most 256 characters.")]
    TooLong,
    #[error("This password repeats too few characters. Try a few unrelated words.")]
    Repetitive,
    /// The password contains a word from its context (the organisation's
    /// name, parts of the email address).
    #[error(
        "Don't use \"{0}\" in your password: it is easy to guess from your email or organisation."
    )]
    ContainsContextWord(String),
    /// Found by the server's check against common passwords, words and
    /// patterns; the text says what to change.
    #[error("This password is easy to guess. {0}")]
    Guessable(String),
}

/// Checks a new password. `context` holds strings an attacker would know
/// (the email address, the organisation's name): their words of four or
/// more letters may not appear in the password.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(PasswordProblem::Repetitive);
    }
    let lowered = password.to_lowercase();
    for word in context_words(context) {
        if lowered.contains(&word) {
            return Err(PasswordProblem::ContainsContextWord(word));
        }
    }
    Ok(())
}

/// The words of four or more letters or digits in `context`, lowercased.
fn context_words(context: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = context
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        // Top-level domains and mail providers' names say nothing personal.
        .filter(|w| !matches!(w.as_str(), "com" | "info" | "mail" | "gmail" | "example"))
        .collect();
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_passphrases_pass_without_composition_rules() {
        assert_eq!(
            check_new_password("correct horse battery staple", &[]),
            Ok(())
        );
        assert_eq!(
            check_new_password("ñandú corre rápido hoy", &["ana@demo-co.example"]),
            Ok(())
        );
        assert_eq!(
            check_new_password(&"abcdefghij".repeat(25), &[]),
            Ok(()),
            "250 characters are fine"
        );
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(
            check_new_password("fourteen chars", &[]),
            Err(PasswordProblem::TooShort)
        );
        // 15 characters, 19 bytes.
        assert_eq!(check_new_password("élève à l'école", &[]), Ok(()));
        assert_eq!(
            check_new_password("élève à l'écol", &[]),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password(&"abcdefgh".repeat(33), &[]),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn repetition_is_refused() {
        assert_eq!(
            check_new_password("aaaaaaaaaaaaaaaaaaaa", &[]),
            Err(PasswordProblem::Repetitive)
        );
        assert_eq!(
            check_new_password("abababababababab", &[]),
            Err(PasswordProblem::Repetitive)
        );
    }

    #[test]
    fn context_words_are_refused_case_insensitively() {
        let context = ["ada.lovelace@analytical.example", "Demo Co"];
        assert_eq!(
            check_new_password("my Lovelace password forever", &context),
            Err(PasswordProblem::ContainsContextWord("lovelace".into()))
        );
        assert_eq!(
            check_new_password("welcome to analytical land", &context),
            Err(PasswordProblem::ContainsContextWord("analytical".into()))
        );
        assert_eq!(
            check_new_password("the DEMO team password", &context),
            Err(PasswordProblem::ContainsContextWord("demo".into()))
        );
        // Short words ("ada", "co") are too common to refuse.
        assert_eq!(
            check_new_password("ada went to the coast today", &context),
            Ok(())
        );
    }
}
