//! How guessable a new password is: the domain's rules, then zxcvbn's
//! estimate against common passwords, dictionary words, names, keyboard
//! patterns and the person's own context. Server-only, so the dictionaries
//! stay out of the WASM bundle.

use super::error::ServerError;
use super::password::{Password, PasswordHasher};
use crate::domain::password_policy::{check_new_password, PasswordProblem};
use crate::wire::password::PasswordHint;
use crate::wire::AppError;

/// zxcvbn's score (0 to 4) below which a password is refused: 3 means
/// "safely unguessable" by an online attacker and slowed offline.
const MIN_SCORE: u8 = 3;

/// zxcvbn's matching grows quickly with length; beyond this many characters
/// a password that passed the rules is long enough to be strong, so only a
/// prefix is estimated.
const ESTIMATE_CHARS: usize = 100;

/// The verdict on a password, and zxcvbn's 0–4 score for a strength meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    pub score: u8,
    pub problem: Option<PasswordProblem>,
}

/// Checks `password` against the rules and estimates its strength.
/// `context` holds what an attacker would know about the person.
pub fn assess(password: &str, context: &[&str]) -> Strength {
    let prefix: String = password.chars().take(ESTIMATE_CHARS).collect();
    let inputs: Vec<&str> = context
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let entropy = zxcvbn::zxcvbn(&prefix, &inputs);
    let score = u8::from(entropy.score());
    if let Err(problem) = check_new_password(password, context) {
        return Strength {
            score: score.min(2),
            problem: Some(problem),
        };
    }
    if score >= MIN_SCORE {
        return Strength {
            score,
            problem: None,
        };
    }
    let advice = entropy
        .feedback()
        .and_then(|f| {
            let warning = f.warning().map(|w| w.to_string());
            let suggestion = f.suggestions().first().map(|s| s.to_string());
            match (warning, suggestion) {
                (Some(w), Some(s)) => Some(format!("{w} {s}")),
                (w, s) => w.or(s),
            }
        })
        .unwrap_or_else(|| "Add another word or two; uncommon words are better.".to_string());
    Strength {
        score,
        problem: Some(PasswordProblem::Guessable(advice)),
    }
}

/// Checks a new password (the rules, then its confirmation, each refused
/// beside its field: `password`, `password_confirm`) and hashes it.
pub async fn hash_new_password(
    hasher: &PasswordHasher,
    password: String,
    confirm: &str,
    context: &[&str],
) -> Result<String, ServerError> {
    if let Some(problem) = assess(&password, context).problem {
        return Err(AppError::invalid("password", problem.to_string()).into());
    }
    if password != confirm {
        return Err(AppError::invalid("password_confirm", "The two passwords don't match.").into());
    }
    hasher.hash(&Password::new(password)).await
}

/// The hint shown under a new-password field while the person types.
pub fn hint(password: &str, context: &[&str]) -> PasswordHint {
    let strength = assess(password, context);
    PasswordHint {
        score: strength.score,
        acceptable: strength.problem.is_none(),
        message: match strength.problem {
            Some(problem) => problem.to_string(),
            None if strength.score >= 4 => "Strong password.".to_string(),
            None => "Good password.".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_patterned_passwords_are_refused_even_when_long() {
        for weak in [
            "passwordpassword",
            "qwertyuiopasdfgh",
            "123456789012345678",
            "iloveyouiloveyou",
        ] {
            let s = assess(weak, &[]);
            assert!(
                matches!(
                    s.problem,
                    Some(PasswordProblem::Guessable(_)) | Some(PasswordProblem::Repetitive)
                ),
                "{weak}: {s:?}"
            );
        }
    }

    #[test]
    fn a_few_unrelated_words_pass() {
        let s = assess("correct horse battery staple", &["ana@example.com", "Acme"]);
        assert_eq!(s.problem, None);
        assert!(s.score >= 3);
    }

    #[test]
    fn rules_come_first_and_context_counts() {
        assert_eq!(
            assess("short", &[]).problem,
            Some(PasswordProblem::TooShort)
        );
        assert_eq!(
            assess("globex-rules-the-world-9", &["Globex"]).problem,
            Some(PasswordProblem::ContainsContextWord("globex".into()))
        );
    }
}
