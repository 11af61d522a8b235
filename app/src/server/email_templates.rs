//! The emails Roster sends, each rendered in one place into its plain-text
//! and HTML parts. Rendering is pure: the outbox stores what comes out,
//! its bodies sealed ([`RenderedEmail::seal`]), and the worker opens and
//! sends it.

use super::sealing::{SealingKey, Unsealable};
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

impl RenderedEmail {
    /// The email as the outbox keeps it for `recipient`: the bodies (which
    /// carry a working link) sealed under the server's key and bound to
    /// the recipient, and when that link stops working.
    pub fn seal(
        &self,
        key: &SealingKey,
        recipient: &str,
        link_expires_at: Option<DateTime<Utc>>,
    ) -> SealedEmail {
        // Two strings in JSON: nothing to get wrong in framing them.
        let bodies = serde_json::to_vec(&(&self.text, &self.html)).unwrap_or_default();
        SealedEmail {
            subject: self.subject.clone(),
            bodies: key.seal(&bodies, &sealed_for(recipient)),
            link_expires_at,
        }
    }
}

/// What the bodies of an outbox email for `recipient` are sealed to: a
/// sealed body copied onto a row for another address does not open.
fn sealed_for(recipient: &str) -> Vec<u8> {
    format!("outbox\n{}", recipient.to_lowercase()).into_bytes()
}

/// An email as the outbox keeps it (see [`RenderedEmail::seal`]). The
/// subject names no secret and stays readable, for an operator's queries.
pub struct SealedEmail {
    pub subject: String,
    pub bodies: Vec<u8>,
    pub link_expires_at: Option<DateTime<Utc>>,
}

/// The plain-text and HTML bodies that [`RenderedEmail::seal`] sealed for
/// `recipient`.
pub fn open_bodies(
    key: &SealingKey,
    sealed: &[u8],
    recipient: &str,
) -> Result<(String, String), Unsealable> {
    let opened = key.open(sealed, &sealed_for(recipient))?;
    serde_json::from_slice(&opened).map_err(|_| Unsealable)
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
        let greeting = greeting(self.invitee_name);
        let expiry = time_phrase(self.expires_at, self.expires_local, self.time_zone);
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
        let content = format!(
            "<p>{greeting}</p>\n\
             <p><strong>{inviter}</strong> invited you to join <strong>{org}</strong> on Roster as <strong>{role}</strong>.</p>\n\
             {button}\
             <p>The link works until {expiry}. After that, ask {inviter} for a new invitation.</p>\n\
             {fallback}\
             {ignore}",
            greeting = e(&greeting),
            inviter = e(self.inviter_name),
            org = e(self.organisation_name),
            role = e(self.role_name),
            button = html_button(self.link, "Accept the invitation"),
            expiry = e(&expiry),
            fallback = html_link_fallback(self.link),
            ignore = html_aside(
                "If you did not expect this email, you can ignore it: nothing happens unless you open the link and accept."
            ),
        );
        RenderedEmail {
            html: html_document(&subject, &content),
            subject,
            text,
        }
    }
}

/// What the password reset email says.
pub struct PasswordResetEmail<'a> {
    /// The account's name; may be empty.
    pub name: &'a str,
    pub email: &'a str,
    /// The admin who sent it and their organisation; `None` when the
    /// person asked for it on the sign-in page.
    pub sent_by: Option<(&'a str, &'a str)>,
    /// The reset link, built from `PUBLIC_BASE_URL`.
    pub link: &'a str,
    /// Where to ask for another link.
    pub forgot_link: &'a str,
    pub expires_at: DateTime<Utc>,
    /// `expires_at` in the recipient's time zone, already formatted.
    pub expires_local: &'a str,
    pub time_zone: &'a str,
}

impl PasswordResetEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = "Reset your Roster password".to_string();
        let greeting = greeting(self.name);
        let expiry = time_phrase(self.expires_at, self.expires_local, self.time_zone);
        let who = |strong: &dyn Fn(&str) -> String| match self.sent_by {
            Some((admin, organisation)) => format!(
                "{} at {} sent you a link to choose a new password for your Roster account ({}).",
                strong(admin),
                strong(organisation),
                strong(self.email)
            ),
            None => format!(
                "You asked to reset the password of your Roster account ({}).",
                strong(self.email)
            ),
        };
        const IGNORE: &str = "If you did not expect this email, you can ignore it: your password stays as it is unless you open the link and choose a new one.";
        let text = format!(
            "{greeting}\n\n\
             {who}\n\n\
             Choose a new password here:\n{link}\n\n\
             The link works once, until {expiry}. After that, you can ask for a new one here:\n{forgot}\n\n\
             {IGNORE}\n",
            who = who(&|s| s.to_string()),
            link = self.link,
            forgot = self.forgot_link,
        );
        let e = escape_html;
        let content = format!(
            "<p>{greeting}</p>\n\
             <p>{who}</p>\n\
             {button}\
             <p>The link works once, until {expiry}. After that, you can <a href=\"{forgot}\">ask for a new one</a>.</p>\n\
             {fallback}\
             {ignore}",
            greeting = e(&greeting),
            who = who(&|s| format!("<strong>{}</strong>", e(s))),
            button = html_button(self.link, "Choose a new password"),
            expiry = e(&expiry),
            forgot = e(self.forgot_link),
            fallback = html_link_fallback(self.link),
            ignore = html_aside(IGNORE),
        );
        RenderedEmail {
            html: html_document(&subject, &content),
            subject,
            text,
        }
    }
}

/// What the email verification email says: sent when an account was made
/// through an invitation's copied link, which proves nothing about the
/// mailbox.
pub struct EmailVerificationEmail<'a> {
    /// The account's name; may be empty.
    pub name: &'a str,
    pub email: &'a str,
    /// The organisation whose invitation made the account.
    pub organisation_name: &'a str,
    /// The verification link, built from `PUBLIC_BASE_URL`.
    pub link: &'a str,
    /// Where to take the account over if someone else made it.
    pub forgot_link: &'a str,
    pub expires_at: DateTime<Utc>,
    /// `expires_at` in the organisation's time zone, already formatted.
    pub expires_local: &'a str,
    pub time_zone: &'a str,
}

impl EmailVerificationEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = "Verify your email address for Roster".to_string();
        let greeting = greeting(self.name);
        let expiry = time_phrase(self.expires_at, self.expires_local, self.time_zone);
        const NOT_YOU: &str = "If you did not create this account, someone else used your address. Do not verify it: choose a new password instead, which takes the account over and signs everyone else out:";
        let made = |strong: &dyn Fn(&str) -> String| {
            format!(
                "A Roster account with this address ({}) was just created to join {}.",
                strong(self.email),
                strong(self.organisation_name)
            )
        };
        let text = format!(
            "{greeting}\n\n\
             {made}\n\n\
             If it was you, verify your address here (sign in first if asked):\n{link}\n\n\
             The link works once, until {expiry}.\n\n\
             {NOT_YOU}\n{forgot}\n",
            made = made(&|s| s.to_string()),
            link = self.link,
            forgot = self.forgot_link,
        );
        let e = escape_html;
        let content = format!(
            "<p>{greeting}</p>\n\
             <p>{made}</p>\n\
             <p>If it was you, verify your address (sign in first if asked).</p>\n\
             {button}\
             <p>The link works once, until {expiry}.</p>\n\
             {fallback}\
             <p>{not_you}. <a href=\"{forgot}\">Choose a new password</a>.</p>\n",
            greeting = e(&greeting),
            made = made(&|s| format!("<strong>{}</strong>", e(s))),
            button = html_button(self.link, "Verify my email address"),
            expiry = e(&expiry),
            fallback = html_link_fallback(self.link),
            not_you = e(NOT_YOU.trim_end_matches(':')),
            forgot = e(self.forgot_link),
        );
        RenderedEmail {
            html: html_document(&subject, &content),
            subject,
            text,
        }
    }
}

/// How a password was changed, which decides what the notice says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChangedBy {
    /// With a reset link: every session ended.
    ResetLink,
    /// On the profile page, knowing the old password: the sessions
    /// elsewhere ended, the one that changed it goes on.
    ProfilePage,
}

/// The notice that an account's password was changed.
pub struct PasswordChangedEmail<'a> {
    pub by: PasswordChangedBy,
    pub name: &'a str,
    pub email: &'a str,
    pub changed_at: DateTime<Utc>,
    /// `changed_at` in the recipient's time zone, already formatted.
    pub changed_local: &'a str,
    pub time_zone: &'a str,
    /// Where to ask for a reset link if it was not them.
    pub forgot_link: &'a str,
    /// The organisations whose memberships the reset ended: joined with
    /// the account through a shared link before the address was proven.
    pub memberships_ended: &'a [String],
}

impl PasswordChangedEmail<'_> {
    /// What the email says about `memberships_ended`, if anything.
    fn ended_note(&self) -> Option<String> {
        if self.memberships_ended.is_empty() {
            return None;
        }
        Some(format!(
            "Before you confirmed this address, someone joined {} with this account through an invitation link that was shared, not emailed to you. Those memberships have been ended. If they were yours, ask the organisation to invite you again.",
            self.memberships_ended.join(", ")
        ))
    }

    pub fn render(&self) -> RenderedEmail {
        let subject = "Your Roster password was changed".to_string();
        let greeting = greeting(self.name);
        let when = time_phrase(self.changed_at, self.changed_local, self.time_zone);
        let (how, signed_out) = match self.by {
            PasswordChangedBy::ResetLink => (
                "with a password reset link",
                "Everywhere you were signed in, you have been signed out.",
            ),
            PasswordChangedBy::ProfilePage => (
                "on your profile page",
                "Everywhere else you were signed in, you have been signed out.",
            ),
        };
        const IF_YOU: &str = "If this was you, there is nothing else to do.";
        const IF_NOT: &str = "If it was not you, choose a new password at once and tell an administrator of your organisation:";
        let ended = self.ended_note();
        let text = format!(
            "{greeting}\n\n\
             The password of your Roster account ({email}) was changed on {when} {how}. {signed_out}\n\n\
             {ended}\
             {IF_YOU}\n\n\
             {IF_NOT}\n{forgot}\n",
            email = self.email,
            forgot = self.forgot_link,
            ended = ended.as_deref().map(|n| format!("{n}\n\n")).unwrap_or_default(),
        );
        let e = escape_html;
        let content = format!(
            "<p>{greeting}</p>\n\
             <p>The password of your Roster account (<strong>{email}</strong>) was changed on {when} {how}. {signed_out}</p>\n\
             {ended}\
             <p>{IF_YOU}</p>\n\
             <p>{IF_NOT}</p>\n\
             {button}",
            greeting = e(&greeting),
            email = e(self.email),
            when = e(&when),
            ended = ended.as_deref().map(|n| format!("<p>{}</p>\n", e(n))).unwrap_or_default(),
            button = html_button(self.forgot_link, "Choose a new password"),
        );
        RenderedEmail {
            html: html_document(&subject, &content),
            subject,
            text,
        }
    }
}

/// The notice that an account's sign-ins are delayed after failed
/// attempts: sent once when the delay starts, at most once a day.
pub struct SignInDelayedEmail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// How many wrong passwords started the delay.
    pub failures: u32,
    /// Where to ask for a reset link if the person is worried.
    pub forgot_link: &'a str,
}

impl SignInDelayedEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = "Failed sign-ins to your Roster account".to_string();
        let greeting = greeting(self.name);
        let what = format!(
            "Someone entered a wrong password for your Roster account ({}) {} times. \
             Until they stop, new sign-ins to it must wait a little longer after each failure, \
             up to 15 minutes. On a browser where you have signed in before, you can sign in as usual.",
            self.email, self.failures
        );
        const IF_NOT: &str = "If it was not you, your password is still safe as long as it is not used elsewhere. To be sure, choose a new one:";
        security_notice(subject, &greeting, &what, IF_NOT, self.forgot_link)
    }
}

/// The notice that someone entered the account's password and then a
/// wrong second factor: sent at the first such failure since the factor
/// last proved right.
pub struct WrongFactorEmail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// Where to ask for a reset link.
    pub forgot_link: &'a str,
}

impl WrongFactorEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = "A wrong two-factor code was entered for your Roster account".to_string();
        let greeting = greeting(self.name);
        let what = format!(
            "Someone signing in to your Roster account ({}) entered a wrong two-factor code.",
            self.email
        );
        const IF_NOT: &str = "If it was not you, someone may know your password. Choose a new one now, and use it nowhere else:";
        security_notice(subject, &greeting, &what, IF_NOT, self.forgot_link)
    }
}

/// The notice that the account's sessions were ended because wrong
/// passwords entered inside them reached the ceiling: someone holding a
/// session (perhaps a stolen one) was guessing the password.
pub struct SessionsEndedEmail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// How many wrong passwords reached the ceiling.
    pub failures: u32,
    /// Where to ask for a reset link.
    pub forgot_link: &'a str,
}

impl SessionsEndedEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let subject = "You were signed out of Roster everywhere".to_string();
        let greeting = greeting(self.name);
        let what = format!(
            "A wrong password was entered {} times in browsers signed in to your Roster account ({}), \
             so we signed it out everywhere. Sign in again with your password to go on.",
            self.failures, self.email
        );
        const IF_NOT: &str = "If it was not you, someone may have used one of your signed-in browsers. Choose a new password to be sure:";
        security_notice(subject, &greeting, &what, IF_NOT, self.forgot_link)
    }
}

/// A notice of something that happened to the account: what happened, that
/// nothing is to be done if it was them, and what to do (`if_not`, with a
/// button to choose a new password) if it was not.
fn security_notice(
    subject: String,
    greeting: &str,
    what: &str,
    if_not: &str,
    forgot_link: &str,
) -> RenderedEmail {
    const IF_YOU: &str = "If this was you, there is nothing else to do.";
    let text = format!("{greeting}\n\n{what}\n\n{IF_YOU}\n\n{if_not}\n{forgot_link}\n");
    let e = escape_html;
    let content = format!(
        "<p>{greeting}</p>\n<p>{what}</p>\n<p>{IF_YOU}</p>\n<p>{if_not}</p>\n{button}",
        greeting = e(greeting),
        what = e(what),
        if_not = e(if_not),
        button = html_button(forgot_link, "Choose a new password"),
    );
    RenderedEmail {
        html: html_document(&subject, &content),
        subject,
        text,
    }
}

/// What happened to an account's second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoFactorChange {
    Added,
    Removed,
    /// Removed for them (by the operator, who can reach every organisation
    /// of the account), with every session ended.
    Reset,
    RecoveryCodesRegenerated,
    /// A recovery code signed someone in; `left` unused codes remain.
    RecoveryCodeUsed {
        left: i64,
    },
}

/// The notice that an account's two-factor sign-in changed, or that a
/// recovery code was used: if it was not them, someone has their password
/// and more.
pub struct TwoFactorChangedEmail<'a> {
    pub change: TwoFactorChange,
    pub name: &'a str,
    pub email: &'a str,
    pub at: DateTime<Utc>,
    /// `at` in the recipient's time zone, already formatted.
    pub at_local: &'a str,
    pub time_zone: &'a str,
    /// Where to choose a new password if it was not them.
    pub forgot_link: &'a str,
}

impl TwoFactorChangedEmail<'_> {
    pub fn render(&self) -> RenderedEmail {
        let when = time_phrase(self.at, self.at_local, self.time_zone);
        let (subject, what) = match self.change {
            TwoFactorChange::Added => (
                "Two-factor sign-in is on for your Roster account".to_string(),
                format!("An authenticator app was added to your Roster account ({}) on {when}. Signing in now takes a code from it.", self.email),
            ),
            TwoFactorChange::Removed => (
                "Two-factor sign-in is off for your Roster account".to_string(),
                format!("The authenticator app of your Roster account ({}) was removed on {when}, with its recovery codes. Signing in now takes only your password.", self.email),
            ),
            TwoFactorChange::Reset => (
                "Two-factor sign-in was reset for your Roster account".to_string(),
                format!("The authenticator app and recovery codes of your Roster account ({}) were removed for you on {when}, and you were signed out everywhere. Signing in now takes only your password: set up an authenticator app again on your profile page.", self.email),
            ),
            TwoFactorChange::RecoveryCodesRegenerated => (
                "New recovery codes for your Roster account".to_string(),
                format!("New recovery codes were made for your Roster account ({}) on {when}. The old ones no longer work.", self.email),
            ),
            TwoFactorChange::RecoveryCodeUsed { left } => (
                "A recovery code was used to sign in to your Roster account".to_string(),
                format!(
                    "A recovery code was used to sign in to your Roster account ({}) on {when}. {} If you have lost your authenticator app, set up a new one on your profile page.",
                    self.email,
                    match left {
                        0 => "You have no recovery codes left: make new ones on your profile page.".to_string(),
                        1 => "You have 1 recovery code left.".to_string(),
                        n => format!("You have {n} recovery codes left."),
                    }
                ),
            ),
        };
        const IF_NOT: &str = "If it was not you, someone knows your password: choose a new one at once and tell an administrator of your organisation:";
        security_notice(
            subject,
            &greeting(self.name),
            &what,
            IF_NOT,
            self.forgot_link,
        )
    }
}

/// "Hello Name," or, without a name, "Hello,".
fn greeting(name: &str) -> String {
    if name.trim().is_empty() {
        "Hello,".to_string()
    } else {
        format!("Hello {name},")
    }
}

/// A time as emails state it: in the recipient's zone and in UTC, or once
/// when the zone is UTC.
fn time_phrase(at: DateTime<Utc>, local: &str, time_zone: &str) -> String {
    let utc = at.format("%Y-%m-%d %H:%M UTC").to_string();
    if time_zone == "UTC" {
        utc
    } else {
        format!("{local} ({time_zone}), which is {utc}")
    }
}

/// The HTML part around `content` (already escaped): one centred card.
fn html_document(subject: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{subject}</title></head>\n\
         <body style=\"margin:0;padding:24px;background:#f5f6f8;font-family:system-ui,sans-serif;color:#1d2433\">\n\
         <div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px\">\n\
         {content}\
         </div>\n</body></html>\n",
        subject = escape_html(subject),
    )
}

/// A link styled as a large button.
fn html_button(link: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{link}\" style=\"display:inline-block;padding:12px 20px;background:#2f5bea;color:#fff;border-radius:6px;text-decoration:none;font-weight:600\">{label}</a></p>\n",
        link = escape_html(link),
        label = escape_html(label),
    )
}

/// The link written out, for mail clients where the button does not work.
fn html_link_fallback(link: &str) -> String {
    format!(
        "<p style=\"color:#5b6475;font-size:14px\">If the button does not work, copy this address into your browser:<br>\
         <span style=\"word-break:break-all\">{}</span></p>\n",
        escape_html(link)
    )
}

/// A paragraph in small grey print.
fn html_aside(text: &str) -> String {
    format!(
        "<p style=\"color:#5b6475;font-size:14px\">{}</p>\n",
        escape_html(text)
    )
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

    fn reset_sample(sent_by: Option<(&'static str, &'static str)>) -> PasswordResetEmail<'static> {
        PasswordResetEmail {
            name: "Mia Member",
            email: "mia@example.com",
            sent_by,
            link: "https://roster.example/reset-password?token=abc_DEF-123",
            forgot_link: "https://roster.example/forgot-password",
            expires_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
            expires_local: "Tuesday 24 November 2026, 09:30",
            time_zone: "Europe/London",
        }
    }

    #[test]
    fn password_reset_email_snapshot() {
        let email = reset_sample(Some(("Adam <Admin>", "O'Brien & Co"))).render();
        assert_eq!(email.subject, "Reset your Roster password");
        assert_eq!(
            email.text,
            "Hello Mia Member,\n\n\
             Adam <Admin> at O'Brien & Co sent you a link to choose a new password for your Roster account (mia@example.com).\n\n\
             Choose a new password here:\nhttps://roster.example/reset-password?token=abc_DEF-123\n\n\
             The link works once, until Tuesday 24 November 2026, 09:30 (Europe/London), which is 2026-11-24 09:30 UTC. \
             After that, you can ask for a new one here:\nhttps://roster.example/forgot-password\n\n\
             If you did not expect this email, you can ignore it: your password stays as it is unless you open the link and choose a new one.\n"
        );
        assert!(email.html.contains(
            "<p><strong>Adam &lt;Admin&gt;</strong> at <strong>O&#39;Brien &amp; Co</strong> sent you a link"
        ));
        assert!(email.html.contains(
            "<a href=\"https://roster.example/reset-password?token=abc_DEF-123\" style=\"display:inline-block"
        ));
        assert!(email.html.contains(">Choose a new password</a>"));
        assert!(email
            .html
            .contains("<a href=\"https://roster.example/forgot-password\">ask for a new one</a>"));
        assert!(!format!("{email:?}").contains("token"));
    }

    #[test]
    fn a_reset_the_person_asked_for_says_so() {
        let email = reset_sample(None).render();
        assert!(email.text.contains(
            "\n\nYou asked to reset the password of your Roster account (mia@example.com).\n\n"
        ));
        assert!(email
            .html
            .contains("<p>You asked to reset the password of your Roster account (<strong>mia@example.com</strong>).</p>"));
    }

    #[test]
    fn email_verification_email_says_what_to_do_if_it_was_not_them() {
        let email = EmailVerificationEmail {
            name: "Ana <Lima>",
            email: "ana@example.com",
            organisation_name: "O'Brien & Co",
            link: "https://roster.example/verify-email?token=abc_DEF-123",
            forgot_link: "https://roster.example/forgot-password",
            expires_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
            expires_local: "ignored",
            time_zone: "UTC",
        }
        .render();
        assert_eq!(email.subject, "Verify your email address for Roster");
        assert_eq!(
            email.text,
            "Hello Ana <Lima>,\n\n\
             A Roster account with this address (ana@example.com) was just created to join O'Brien & Co.\n\n\
             If it was you, verify your address here (sign in first if asked):\n\
             https://roster.example/verify-email?token=abc_DEF-123\n\n\
             The link works once, until 2026-11-24 09:30 UTC.\n\n\
             If you did not create this account, someone else used your address. Do not verify it: \
             choose a new password instead, which takes the account over and signs everyone else out:\n\
             https://roster.example/forgot-password\n"
        );
        assert!(email.html.contains("<p>Hello Ana &lt;Lima&gt;,</p>"));
        assert!(email.html.contains("<strong>O&#39;Brien &amp; Co</strong>"));
        assert!(email.html.contains(">Verify my email address</a>"));
        assert!(email.html.contains(
            "<a href=\"https://roster.example/forgot-password\">Choose a new password</a>"
        ));
        assert!(!format!("{email:?}").contains("token"));
    }

    fn changed_sample(by: PasswordChangedBy) -> PasswordChangedEmail<'static> {
        PasswordChangedEmail {
            by,
            name: "",
            email: "mia@example.com",
            changed_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
            changed_local: "ignored",
            time_zone: "UTC",
            forgot_link: "https://roster.example/forgot-password",
            memberships_ended: &[],
        }
    }

    #[test]
    fn a_reset_that_ended_memberships_names_them_and_the_way_back() {
        let ended = ["Acme <Labs>".to_string(), "Globex".to_string()];
        let email = PasswordChangedEmail {
            memberships_ended: &ended,
            ..changed_sample(PasswordChangedBy::ResetLink)
        }
        .render();
        assert!(email
            .text
            .contains("someone joined Acme <Labs>, Globex with this account"));
        assert!(email
            .text
            .contains("ask the organisation to invite you again"));
        assert!(email.html.contains("joined Acme &lt;Labs&gt;, Globex"));
        let plain = changed_sample(PasswordChangedBy::ResetLink).render();
        assert!(!plain.text.contains("memberships"));
    }

    #[test]
    fn two_factor_notices_say_what_changed_and_what_to_do() {
        let sample = |change| {
            TwoFactorChangedEmail {
                change,
                name: "Mia",
                email: "mia@example.com",
                at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
                at_local: "ignored",
                time_zone: "UTC",
                forgot_link: "https://roster.example/forgot-password",
            }
            .render()
        };
        let added = sample(TwoFactorChange::Added);
        assert_eq!(
            added.subject,
            "Two-factor sign-in is on for your Roster account"
        );
        assert!(added.text.starts_with("Hello Mia,\n\nAn authenticator app was added to your Roster account (mia@example.com) on 2026-11-24 09:30 UTC."));
        assert!(added
            .text
            .ends_with("https://roster.example/forgot-password\n"));
        assert!(sample(TwoFactorChange::Removed)
            .text
            .contains("was removed on 2026-11-24 09:30 UTC, with its recovery codes"));
        assert!(sample(TwoFactorChange::Reset)
            .text
            .contains("signed out everywhere"));
        assert!(sample(TwoFactorChange::RecoveryCodesRegenerated)
            .text
            .contains("The old ones no longer work."));
        let used = sample(TwoFactorChange::RecoveryCodeUsed { left: 1 });
        assert!(
            used.text.contains("You have 1 recovery code left."),
            "{}",
            used.text
        );
        assert!(sample(TwoFactorChange::RecoveryCodeUsed { left: 0 })
            .text
            .contains("no recovery codes left"));
        assert!(used.html.contains("<strong>") || used.html.contains("mia@example.com"));
    }

    #[test]
    fn password_changed_notice_says_when_and_what_to_do_if_it_was_not_them() {
        let email = changed_sample(PasswordChangedBy::ResetLink).render();
        assert_eq!(email.subject, "Your Roster password was changed");
        assert_eq!(
            email.text,
            "Hello,\n\n\
             The password of your Roster account (mia@example.com) was changed on 2026-11-24 09:30 UTC with a password reset link. \
             Everywhere you were signed in, you have been signed out.\n\n\
             If this was you, there is nothing else to do.\n\n\
             If it was not you, choose a new password at once and tell an administrator of your organisation:\n\
             https://roster.example/forgot-password\n"
        );
        assert!(email.html.contains("<strong>mia@example.com</strong>"));
        assert!(email
            .html
            .contains("href=\"https://roster.example/forgot-password\""));
        let from_profile = changed_sample(PasswordChangedBy::ProfilePage).render();
        assert!(from_profile.text.contains(
            "was changed on 2026-11-24 09:30 UTC on your profile page. Everywhere else you were signed in, you have been signed out."
        ));
    }
}
