//! Authenticator-app codes (TOTP, RFC 6238): HMAC-SHA-1, 6 digits,
//! 30-second steps, a 160-bit secret. And the two ways a person copies the
//! secret into their app: its base32 text and an `otpauth://` QR code.

use crate::domain::team_view::encode_component;
use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha1::Sha1;

/// 160 bits, as RFC 4226 recommends for HMAC-SHA-1.
pub const SECRET_BYTES: usize = 20;
pub const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// Codes of the step before and after the current one count too: a phone's
/// clock may be off a little, and a code typed at the end of its step
/// arrives in the next.
const WINDOW: i64 = 1;

/// An authenticator secret. `Debug` never prints it.
pub struct TotpSecret([u8; SECRET_BYTES]);

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret read back from storage; `None` unless it is 20 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as people type it into an app: base32 in groups of four.
    pub fn text(&self) -> String {
        let plain = BASE32_NOPAD.encode(&self.0);
        plain
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The code of 30-second step `step`.
    pub fn code_at(&self, step: i64) -> u32 {
        // Any key length is accepted by HMAC.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.0) else {
            return u32::MAX;
        };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        binary % 10u32.pow(DIGITS)
    }

    /// The newest step within the window around `now` whose code is
    /// `code`, if any. Which steps were already used is the caller's to
    /// check (and record, atomically).
    pub fn matching_step(&self, code: &str, now: DateTime<Utc>) -> Option<i64> {
        let typed = parse_code(code)?;
        let current = step_of(now);
        let mut found = None;
        // Every step of the window is computed, so the time taken does not
        // say which one matched.
        for step in current - WINDOW..=current + WINDOW {
            if constant_time_eq(self.code_at(step), typed) {
                found = Some(step);
            }
        }
        found
    }

    /// What an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{issuer_label}:{account}?secret={secret}&issuer={issuer_param}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            issuer_label = encode_component(issuer),
            account = encode_component(account),
            secret = BASE32_NOPAD.encode(&self.0),
            issuer_param = encode_component(issuer),
        )
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// The 30-second step `at` falls in.
pub fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// Six digits, ignoring the spaces some apps show in the middle.
fn parse_code(code: &str) -> Option<u32> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// The QR code of `uri` as an SVG element, drawn on the server: no script
/// and no outside service ever sees the secret.
pub fn qr_svg(uri: &str) -> String {
    use qrcode::render::svg;
    let Ok(code) = qrcode::QrCode::with_error_correction_level(uri, qrcode::EcLevel::M) else {
        return String::new();
    };
    let drawn = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The XML declaration has no place inside an HTML page, and the page
    // names the picture on its container (the SVG alone would be a second,
    // nameless image to a screen reader).
    match drawn.find("<svg") {
        Some(start) => {
            drawn[start..].replacen("<svg", r#"<svg aria-hidden="true" focusable="false""#, 1)
        }
        None => drawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    /// RFC 6238's SHA-1 test vectors (Appendix B), last six digits.
    #[test]
    fn matches_rfc_6238() {
        let secret = TotpSecret(*b"12345678901234567890");
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(secret.code_at(step_of(at(time))), code, "at {time}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_no_further() {
        let secret = TotpSecret::generate();
        let now = at(1_800_000_015);
        let step = step_of(now);
        let code = |s: i64| format!("{:06}", secret.code_at(s));
        assert_eq!(secret.matching_step(&code(step), now), Some(step));
        assert_eq!(secret.matching_step(&code(step - 1), now), Some(step - 1));
        assert_eq!(secret.matching_step(&code(step + 1), now), Some(step + 1));
        for far in [step - 2, step + 2] {
            let found = secret.matching_step(&code(far), now);
            // A far code may equal a near one by chance (1 in 10^6).
            assert!(found.is_none() || secret.code_at(found.unwrap()) == secret.code_at(far));
        }
        let spaced = format!("{} {}", &code(step)[..3], &code(step)[3..]);
        assert_eq!(secret.matching_step(&spaced, now), Some(step));
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(secret.matching_step(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn shows_the_secret_for_apps_and_never_in_debug() {
        let secret = TotpSecret(*b"12345678901234567890");
        assert_eq!(secret.text(), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        let uri = secret.otpauth_uri("Roster", "ada@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Roster:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Roster&algorithm=SHA1&digits=6&period=30"
        );
        assert!(!format!("{secret:?}").contains("GEZD"));
        let svg = qr_svg(&uri);
        assert!(
            svg.starts_with("<svg") && svg.contains("</svg>"),
            "{svg:.80}"
        );
        assert!(!svg.contains("GEZD"), "the secret is drawn, not written");
    }
}
