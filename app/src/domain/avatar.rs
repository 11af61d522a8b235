//! Profile pictures: what may be uploaded, what the server keeps, and where
//! a picture is served from.

use crate::domain::MembershipId;
use serde::{Deserialize, Serialize};

/// The largest upload accepted, in bytes (5 MB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// The side of the square picture the server keeps: sharp at twice the
/// largest size a page shows (the member page's 6rem).
pub const STORED_SIDE: u32 = 256;

/// The one content type pictures are served with: the server encodes every
/// picture itself, whatever was uploaded.
pub const CONTENT_TYPE: &str = "image/jpeg";

/// The formats people may upload, for the file picker's `accept`.
pub const ACCEPT: &str = "image/png,image/jpeg,image/webp";

/// Why an upload was not taken. Each has a short code, so that a plain
/// form post (before the page is interactive) can be redirected back to
/// the profile page with the message beside the file field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AvatarProblem {
    #[error("Choose a picture to upload.")]
    Missing,
    #[error("That file is larger than 5 MB. Choose a smaller picture.")]
    TooLarge,
    #[error("That is not a PNG, JPEG or WebP picture.")]
    UnsupportedFormat,
    #[error("That picture is damaged or incomplete and could not be read.")]
    Unreadable,
    #[error("That picture has too many pixels: at most 50 megapixels (for example 8000 × 6000).")]
    TooManyPixels,
}

impl AvatarProblem {
    const ALL: [Self; 5] = [
        Self::Missing,
        Self::TooLarge,
        Self::UnsupportedFormat,
        Self::Unreadable,
        Self::TooManyPixels,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooLarge => "too-large",
            Self::UnsupportedFormat => "format",
            Self::Unreadable => "unreadable",
            Self::TooManyPixels => "dimensions",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The most pixels decoded (a 48-megapixel phone photo fits); anything
/// bigger is refused before its pixels are allocated.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The longest side decoded.
pub const MAX_SIDE: u32 = 10_000;

/// Where the picture of the person behind `membership` is served. The
/// version (when it was last changed) makes each picture's address new, so
/// it may be cached for good.
pub fn avatar_path(membership: MembershipId, version: i64) -> String {
    format!("/avatars/{membership}?v={version}")
}

/// Up to two initials, shown instead of a picture.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_codes_round_trip() {
        for problem in AvatarProblem::ALL {
            assert_eq!(AvatarProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(AvatarProblem::from_code("nonsense"), None);
    }

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Mia Member"), "MM");
        assert_eq!(initials("olive"), "O");
        assert_eq!(initials("José María Pérez"), "JM");
        assert_eq!(initials(""), "");
    }
}
