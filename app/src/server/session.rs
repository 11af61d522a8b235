//! The cookies Roster sets: the session, the known device, and how every one is made.

use super::state::AuthSettings;

/// The `Set-Cookie` value of every cookie Roster sets: HttpOnly so scripts
/// cannot read it; SameSite=Lax so other sites cannot send it with their
/// POSTs; `Secure` when served over https, where the names carry `__Host-`
/// (see [`AuthSettings`]) so no other host can set them.
pub fn cookie(settings: &AuthSettings, name: &str, value: &str, max_age_secs: u64) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The `Set-Cookie` value that stores a new session token.
pub fn session_cookie(settings: &AuthSettings, token: &str) -> String {
    let max_age = settings.session_absolute.as_secs();
    cookie(settings, settings.session_cookie_name(), token, max_age)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(settings: &AuthSettings) -> String {
    cookie(settings, settings.session_cookie_name(), "", 0)
}

/// How long a browser stays known to an account after its last sign-in.
pub const KNOWN_DEVICE_DAYS: u64 = 365;

/// The `Set-Cookie` value that marks this browser as one that signed in to
/// an account before (see `known_devices`).
pub fn device_cookie(settings: &AuthSettings, token: &str) -> String {
    let max_age = KNOWN_DEVICE_DAYS * 24 * 3600;
    cookie(settings, settings.device_cookie_name(), token, max_age)
}

/// The `Set-Cookie` value of a sign-in waiting for its second factor: as
/// long as the wait may last.
pub fn pending_sign_in_cookie(settings: &AuthSettings, token: &str, max_age_secs: u64) -> String {
    cookie(
        settings,
        settings.pending_sign_in_cookie_name(),
        token,
        max_age_secs,
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
