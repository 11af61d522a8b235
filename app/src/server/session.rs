//! Session cookies.

use super::state::AuthSettings;

/// The `Set-Cookie` value that stores a new session token. HttpOnly so
/// scripts cannot read it; SameSite=Lax so other sites cannot send it with
/// their POSTs; Secure and `__Host-` when served over https.
pub fn session_cookie(settings: &AuthSettings, token: &str) -> String {
    let max_age = settings.session_absolute.as_secs();
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        settings.session_cookie_name(),
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(settings: &AuthSettings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        settings.session_cookie_name(),
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// How long a browser stays known to an account after its last sign-in.
pub const KNOWN_DEVICE_DAYS: u64 = 365;

/// The `Set-Cookie` value that marks this browser as one that signed in to
/// an account before (see `known_devices`): long-lived, and like the
/// session cookie HttpOnly, SameSite=Lax, and `Secure`/`__Host-` over https.
pub fn device_cookie(settings: &AuthSettings, token: &str) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        settings.device_cookie_name(),
        KNOWN_DEVICE_DAYS * 24 * 3600,
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags_follow_the_scheme() {
        let mut settings = AuthSettings::default();
        let plain = session_cookie(&settings, "t");
        assert!(plain.starts_with("roster_session=t;"));
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        settings.secure_cookies = true;
        let secure = session_cookie(&settings, "t");
        assert!(secure.starts_with("__Host-roster_session=t;"));
        assert!(secure.contains("; Secure") && secure.contains("Path=/"));
        assert!(clear_session_cookie(&settings).contains("Max-Age=0"));
        let device = device_cookie(&settings, "d");
        assert!(device.starts_with("__Host-roster_device=d;") && device.contains("HttpOnly"));
        assert!(device.contains("Max-Age=31536000"), "{device}");
    }
}
