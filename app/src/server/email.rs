//! The emails Roster sends, each rendered in one place into its plain-text
//! and HTML parts. Rendering is pure: the outbox stores what comes out and
//! the worker sends it.

use chrono::{DateTime, Utc};

/// One email, ready for the outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The bodies carry secret links: never print them.
impl std::fmt::Debug for RenderedEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderedEmail")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// What the invitation email says.
pub struct InvitationEmail<'a> {
    pub organisation_name: &'a str,
    pub inviter_name: &'a str,
    /// The invitee's name as the inviter typed it; may be empty.
    pub invitee_name: &'a str,
    pub role_name: &'a str,
    /// The accept link, built from `PUBLIC_BASE_URL`.
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
    /// `expires_at` in the organisation's time zone, already formatted.
    pub expires_local: &'a str,
    pub time_zone: &'a str,
}

impl InvitationEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = format!(
            "{} invited you to join {} on Roster",
            self.inviter_name, self.organisation_name
        );
        let greeting = if self.invitee_name.trim().is_empty() {
            "Hello,".to_string()
        } else {
            format!("Hello {},", self.invitee_name)
        };
        let utc = self.expires_at.format("%Y-%m-%d %H:%M UTC").to_string();
        let expiry = if self.time_zone == "UTC" {
            utc.clone()
        } else {
            format!(
                "{} ({}), which is {utc}",
                self.expires_local, self.time_zone
            )
        };
        let text = format!(
            "{greeting}\n\n\
             {inviter} invited you to join {org} on Roster as {role}.\n\n\
             Accept the invitation here:\n{link}\n\n\
             The link works until {expiry}. After that, ask {inviter} for a new invitation.\n\n\
             If you did not expect this email, you can ignore it: nothing happens unless you open the link and accept.\n",
            inviter = self.inviter_name,
            org = self.organisation_name,
            role = self.role_name,
            link = self.link,
        );
        let e = escape_html;
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{subject}</title></head>\n\
             <body style=\"margin:0;padding:24px;background:#f5f6f8;font-family:system-ui,sans-serif;color:#1d2433\">\n\
             <div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px\">\n\
             <p>{greeting}</p>\n\
             <p><strong>{inviter}</strong> invited you to join <strong>{org}</strong> on Roster as <strong>{role}</strong>.</p>\n\
             <p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#2f5bea;color:#fff;border-radius:6px;text-decoration:none;font-weight:600\">Accept the invitation</a></p>\n\
             <p>The link works until {expiry}. After that, ask {inviter} for a new invitation.</p>\n\
             <p style=\"color:#5b6475;font-size:14px\">If the button does not work, copy this address into your browser:<br>\
             <span style=\"word-break:break-all\">{link}</span></p>\n\
             <p style=\"color:#5b6475;font-size:14px\">If you did not expect this email, you can ignore it: nothing happens unless you open the link and accept.</p>\n\
             </div>\n</body></html>\n",
            subject = e(&subject),
            greeting = e(&greeting),
            inviter = e(self.inviter_name),
            org = e(self.organisation_name),
            role = e(self.role_name),
            link = e(self.link),
            expiry = e(&expiry),
        );
        RenderedEmail {
            subject,
            text,
            html,
        }
    }
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn sample<'a>(time_zone: &'a str, expires_local: &'a str) -> InvitationEmail<'a> {
        InvitationEmail {
            organisation_name: "O'Brien & Co",
            inviter_name: "Olive Owner",
            invitee_name: "Jos\u{e9} <Ana>",
            role_name: "Admin",
            link: "https://roster.example/invite?token=abc_DEF-123",
            expires_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
            expires_local,
            time_zone,
        }
    }

    /// The whole of both parts, so any change to the wording is a visible,
    /// reviewed change to this test.
    #[test]
    fn invitation_email_snapshot() {
        let email = sample("Europe/London", "Tuesday 24 November 2026, 09:30").render();
        assert_eq!(
            email.subject,
            "Olive Owner invited you to join O'Brien & Co on Roster"
        );
        assert_eq!(
            email.text,
            "Hello Jos\u{e9} <Ana>,\n\n\
             Olive Owner invited you to join O'Brien & Co on Roster as Admin.\n\n\
             Accept the invitation here:\nhttps://roster.example/invite?token=abc_DEF-123\n\n\
             The link works until Tuesday 24 November 2026, 09:30 (Europe/London), which is 2026-11-24 09:30 UTC. \
             After that, ask Olive Owner for a new invitation.\n\n\
             If you did not expect this email, you can ignore it: nothing happens unless you open the link and accept.\n"
        );
        assert_eq!(
            email.html,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Olive Owner invited you to join O&#39;Brien &amp; Co on Roster</title></head>\n\
             <body style=\"margin:0;padding:24px;background:#f5f6f8;font-family:system-ui,sans-serif;color:#1d2433\">\n\
             <div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px\">\n\
             <p>Hello Jos\u{e9} &lt;Ana&gt;,</p>\n\
             <p><strong>Olive Owner</strong> invited you to join <strong>O&#39;Brien &amp; Co</strong> on Roster as <strong>Admin</strong>.</p>\n\
             <p><a href=\"https://roster.example/invite?token=abc_DEF-123\" style=\"display:inline-block;padding:12px 20px;background:#2f5bea;color:#fff;border-radius:6px;text-decoration:none;font-weight:600\">Accept the invitation</a></p>\n\
             <p>The link works until Tuesday 24 November 2026, 09:30 (Europe/London), which is 2026-11-24 09:30 UTC. After that, ask Olive Owner for a new invitation.</p>\n\
             <p style=\"color:#5b6475;font-size:14px\">If the button does not work, copy this address into your browser:<br>\
             <span style=\"word-break:break-all\">https://roster.example/invite?token=abc_DEF-123</span></p>\n\
             <p style=\"color:#5b6475;font-size:14px\">If you did not expect this email, you can ignore it: nothing happens unless you open the link and accept.</p>\n\
             </div>\n</body></html>\n"
        );
    }

    #[test]
    fn utc_organisations_state_the_time_once_and_unnamed_invitees_get_a_plain_greeting() {
        let mut email = sample("UTC", "ignored");
        email.invitee_name = " ";
        let email = email.render();
        assert!(email.text.starts_with("Hello,\n"));
        assert!(email
            .text
            .contains("works until 2026-11-24 09:30 UTC. After"));
        assert!(!format!("{email:?}").contains("token"));
    }
}
